using System.Management.Automation;

namespace IdSync.PowerShell.Cmdlets;

// Enable-SyncExportDeletionThreshold [-DeletionThreshold 500]: an export run that would delete
// more objects than this in one connector stops with stopped-deletion-threshold-exceeded.
[Cmdlet(VerbsLifecycle.Enable, "SyncExportDeletionThreshold", SupportsShouldProcess = true)]
[Alias("Enable-ADSyncExportDeletionThreshold")]
[OutputType(typeof(ExportDeletionThreshold))]
public sealed class EnableSyncExportDeletionThresholdCommand : IdSyncCmdlet
{
    [Parameter(Position = 0)] [ValidateRange(1, uint.MaxValue)] public uint DeletionThreshold { get; set; } = 500;

    // Accepted for ADSync scripts; not needed here.
    [Parameter] public PSCredential? AADCredential { get; set; }

    protected override void EndProcessing()
    {
        if (!ShouldProcess(StorePath, $"Stop exports that delete more than {DeletionThreshold} objects")) return;
        Call(() => Server.SetDeletionThreshold(DeletionThreshold), DeletionThreshold);
        WriteObject(Call(() => GetSyncExportDeletionThresholdCommand.Current(this), StorePath));
    }
}
