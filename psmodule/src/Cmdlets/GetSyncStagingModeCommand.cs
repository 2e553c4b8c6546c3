using System.Management.Automation;

namespace IdSync.PowerShell.Cmdlets;

// Get-SyncStagingMode: whether the server is in staging mode (imports and syncs run, exports do not).
[Cmdlet(VerbsCommon.Get, "SyncStagingMode")]
[OutputType(typeof(SyncStagingMode))]
public sealed class GetSyncStagingModeCommand : IdSyncCmdlet
{
    protected override void EndProcessing() => WriteObject(new SyncStagingMode(Call(() => Server.StagingMode(), StorePath)));
}
