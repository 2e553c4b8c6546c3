using System.Management.Automation;

namespace IdSync.PowerShell.Cmdlets;

// Start-SyncCycle -PolicyType Delta|Initial: runs one sync cycle over every connector (imports,
// syncs, exports in the fixed order) and returns its outcome. Unlike Start-ADSyncSyncCycle it
// waits for the cycle to end, so Result says how the cycle went: "Success", or "Failed" when a
// run stopped (with an IdSyncStopped error naming it), or "Stopped" after Stop-SyncCycle.
[Cmdlet(VerbsLifecycle.Start, "SyncCycle", SupportsShouldProcess = true)]
[Alias("Start-ADSyncSyncCycle")]
[OutputType(typeof(SyncCycleResult))]
public sealed class StartSyncCycleCommand : IdSyncCmdlet
{
    [Parameter(Position = 0)]
    [ValidateSet("Delta", "Initial", IgnoreCase = true)]
    public string PolicyType { get; set; } = "Delta";

    protected override void EndProcessing()
    {
        bool initial = string.Equals(PolicyType, "Initial", StringComparison.OrdinalIgnoreCase);
        string policy = initial ? "Initial" : "Delta";
        if (!ShouldProcess(StorePath, $"Start a {policy} sync cycle")) return;
        var ids = ConnectorIds();
        var (json, error) = RunWithProgress($"{policy} sync cycle", progress => Server.RunCycle(initial, progress));
        if (json is not null) WriteObject(SyncCycleResult.FromJson(Json.Parse(json), ids));
        if (error is not null)
        {
            if (json is null) ThrowTerminatingError(error.ToErrorRecord(policy));
            WriteError(error.ToErrorRecord(policy));
        }
    }
}
