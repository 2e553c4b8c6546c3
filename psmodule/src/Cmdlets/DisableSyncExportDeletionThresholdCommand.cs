using System.Management.Automation;
using System.Text.Json.Nodes;

namespace IdSync.PowerShell.Cmdlets;

// Disable-SyncExportDeletionThreshold: no limit on deletes per export run (not recommended;
// re-enable after the planned mass delete). ThresholdCount and ThresholdPercentage are kept.
[Cmdlet(VerbsLifecycle.Disable, "SyncExportDeletionThreshold", SupportsShouldProcess = true)]
[Alias("Disable-ADSyncExportDeletionThreshold")]
[OutputType(typeof(ExportDeletionThreshold))]
public sealed class DisableSyncExportDeletionThresholdCommand : IdSyncCmdlet
{
    // Accepted for ADSync scripts; not needed here.
    [Parameter] public PSCredential? AADCredential { get; set; }

    protected override void EndProcessing()
    {
        if (!ShouldProcess(StorePath, "Allow exports to delete any number of objects")) return;
        string changes = new JsonObject { ["DeletionPrevention"] = "Disabled" }.ToJsonString();
        Call(() => Server.SetDeletionThresholdSettings(changes), StorePath);
        WriteObject(Call(() => GetSyncExportDeletionThresholdCommand.Current(this), StorePath));
    }
}
