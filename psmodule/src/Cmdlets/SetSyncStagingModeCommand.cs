using System.Management.Automation;

namespace IdSync.PowerShell.Cmdlets;

// Set-SyncStagingMode -Enabled $true|$false: in staging mode imports and syncs run and exports
// do not; preview what would go out with Get-SyncPendingExport. Leaving staging mode lets the
// next cycle export everything that is pending.
[Cmdlet(VerbsCommon.Set, "SyncStagingMode", SupportsShouldProcess = true)]
[OutputType(typeof(SyncStagingMode))]
public sealed class SetSyncStagingModeCommand : IdSyncCmdlet
{
    [Parameter(Mandatory = true, Position = 0)]
    [Alias("StagingModeEnabled")]
    public bool Enabled { get; set; }

    protected override void EndProcessing()
    {
        if (!ShouldProcess(StorePath, Enabled ? "Enter staging mode (no exports)" : "Leave staging mode (exports resume)")) return;
        Call(() => Server.SetStagingMode(Enabled), StorePath);
        WriteObject(new SyncStagingMode(Call(() => Server.StagingMode(), StorePath)));
    }
}
