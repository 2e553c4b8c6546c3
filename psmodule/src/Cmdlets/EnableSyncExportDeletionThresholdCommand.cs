using System.Management.Automation;
using System.Text.Json.Nodes;

namespace IdSync.PowerShell.Cmdlets;

// Enable-SyncExportDeletionThreshold [-DeletionThreshold 500] | -ThresholdPercentage P: an export
// run that would delete more objects than this in one connector (a count, or a percentage of the
// connector space objects) stops with stopped-deletion-threshold-exceeded. The other value is kept.
[Cmdlet(VerbsLifecycle.Enable, "SyncExportDeletionThreshold", SupportsShouldProcess = true, DefaultParameterSetName = CountSet)]
[Alias("Enable-ADSyncExportDeletionThreshold")]
[OutputType(typeof(ExportDeletionThreshold))]
public sealed class EnableSyncExportDeletionThresholdCommand : IdSyncCmdlet
{
    private const string CountSet = "Count";
    private const string PercentageSet = "Percentage";

    [Parameter(Position = 0, ParameterSetName = CountSet)] [ValidateRange(1, uint.MaxValue)]
    public uint DeletionThreshold { get; set; } = 500;

    [Parameter(Mandatory = true, ParameterSetName = PercentageSet)] [ValidateRange(1, 100)]
    public uint ThresholdPercentage { get; set; }

    // Accepted for ADSync scripts; not needed here.
    [Parameter] public PSCredential? AADCredential { get; set; }

    protected override void EndProcessing()
    {
        bool byPercentage = ParameterSetName == PercentageSet;
        string action = byPercentage
            ? $"Stop exports that delete more than {ThresholdPercentage}% of a connector space"
            : $"Stop exports that delete more than {DeletionThreshold} objects";
        if (!ShouldProcess(StorePath, action)) return;
        var changes = byPercentage
            ? new JsonObject { ["DeletionPrevention"] = "EnabledForPercentage", ["ThresholdPercentage"] = ThresholdPercentage }
            : new JsonObject { ["DeletionPrevention"] = "EnabledForCount", ["ThresholdCount"] = DeletionThreshold };
        Call(() => Server.SetDeletionThresholdSettings(changes.ToJsonString()), byPercentage ? ThresholdPercentage : DeletionThreshold);
        WriteObject(Call(() => GetSyncExportDeletionThresholdCommand.Current(this), StorePath));
    }
}
