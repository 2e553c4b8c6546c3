using System.Globalization;
using System.Management.Automation;
using System.Text.Json.Nodes;

namespace IdSync.PowerShell.Cmdlets;

// Set-SyncScheduler: changes the given scheduler settings (Set-ADSyncScheduler's parameters);
// the others keep their values. A CustomizedSyncCycleInterval below the allowed 30 minutes
// is kept but the effective interval stays at the allowed one.
[Cmdlet(VerbsCommon.Set, "SyncScheduler", SupportsShouldProcess = true)]
[Alias("Set-ADSyncScheduler")]
[OutputType(typeof(SchedulerSettings))]
public sealed class SetSyncSchedulerCommand : IdSyncCmdlet
{
    [Parameter] public TimeSpan? CustomizedSyncCycleInterval { get; set; }
    [Parameter] public bool? SyncCycleEnabled { get; set; }
    [Parameter] [ValidateSet("Delta", "Initial")] public string? NextSyncCyclePolicyType { get; set; }
    [Parameter] public DateTime? NextSyncCycleStartTimeInUTC { get; set; }
    [Parameter] public TimeSpan? PurgeRunHistoryInterval { get; set; }
    [Parameter] public bool? MaintenanceEnabled { get; set; }
    [Parameter] public bool? SchedulerSuspended { get; set; }
    // Accepted for ADSync scripts; IdSync asks for no confirmation beyond -Confirm.
    [Parameter] public SwitchParameter Force { get; set; }

    protected override void EndProcessing()
    {
        var changes = new JsonObject();
        if (CustomizedSyncCycleInterval is { } i) changes["CustomizedSyncCycleInterval"] = Json.SpanText(i);
        if (SyncCycleEnabled is { } e) changes["SyncCycleEnabled"] = e;
        if (NextSyncCyclePolicyType is { } p) changes["NextSyncCyclePolicyType"] = p.Equals("initial", StringComparison.OrdinalIgnoreCase) ? "Initial" : "Delta";
        if (NextSyncCycleStartTimeInUTC is { } t)
            changes["NextSyncCycleStartTimeInUTC"] = t.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        if (PurgeRunHistoryInterval is { } h) changes["PurgeRunHistoryInterval"] = Json.SpanText(h);
        if (MaintenanceEnabled is { } m) changes["MaintenanceEnabled"] = m;
        if (SchedulerSuspended is { } s) changes["SchedulerSuspended"] = s;
        if (changes.Count == 0)
        {
            WriteWarning("No setting given; nothing changed.");
            return;
        }
        string what = string.Join(", ", changes.Select(c => $"{c.Key}={c.Value}"));
        if (!ShouldProcess(StorePath, $"Set scheduler {what}")) return;
        Call(() => Server.SetScheduler(changes.ToJsonString()), what);
        WriteObject(SchedulerSettings.FromJson(Json.Parse(Call(() => Server.Scheduler(), StorePath))));
    }
}
