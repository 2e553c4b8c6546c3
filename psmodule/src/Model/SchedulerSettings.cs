using System.Text.Json.Nodes;

namespace IdSync.PowerShell;

// Get-SyncScheduler: the fields of Get-ADSyncScheduler.
public sealed class SchedulerSettings
{
    public TimeSpan AllowedSyncCycleInterval { get; init; }
    public TimeSpan CurrentlyEffectiveSyncCycleInterval { get; init; }
    public TimeSpan? CustomizedSyncCycleInterval { get; init; }
    public string NextSyncCyclePolicyType { get; init; } = "";
    public DateTime NextSyncCycleStartTimeInUTC { get; init; }
    public TimeSpan PurgeRunHistoryInterval { get; init; }
    public bool SyncCycleEnabled { get; init; }
    public bool MaintenanceEnabled { get; init; }
    public bool StagingModeEnabled { get; init; }
    public bool SchedulerSuspended { get; init; }
    public bool SyncCycleInProgress { get; init; }

    internal static SchedulerSettings FromJson(JsonNode j)
    {
        string custom = Json.Str(j, "CustomizedSyncCycleInterval");
        return new SchedulerSettings
        {
            AllowedSyncCycleInterval = Json.Span(Json.Str(j, "AllowedSyncCycleInterval")),
            CurrentlyEffectiveSyncCycleInterval = Json.Span(Json.Str(j, "CurrentlyEffectiveSyncCycleInterval")),
            CustomizedSyncCycleInterval = custom.Length == 0 ? null : Json.Span(custom),
            NextSyncCyclePolicyType = Json.Str(j, "NextSyncCyclePolicyType"),
            NextSyncCycleStartTimeInUTC = Json.Utc(Json.Str(j, "NextSyncCycleStartTimeInUTC")),
            PurgeRunHistoryInterval = Json.Span(Json.Str(j, "PurgeRunHistoryInterval")),
            SyncCycleEnabled = Json.Bool(j, "SyncCycleEnabled"),
            MaintenanceEnabled = Json.Bool(j, "MaintenanceEnabled"),
            StagingModeEnabled = Json.Bool(j, "StagingModeEnabled"),
            SchedulerSuspended = Json.Bool(j, "SchedulerSuspended"),
            SyncCycleInProgress = Json.Bool(j, "SyncCycleInProgress"),
        };
    }
}

// Get-SyncSchedulerConnectorOverride: the overrides the next cycle honours once.
public sealed record SchedulerConnectorOverride(string ConnectorIdentifier, string ConnectorName, bool FullImportRequired,
    bool FullSyncRequired);

// Get-SyncStagingMode.
public sealed record SyncStagingMode(bool StagingModeEnabled);


// Start-SyncPurgeRunHistory.
public sealed record PurgeRunHistoryResult(long RemovedCount, DateTime PurgedBeforeUtc);

// Export-SyncConnectorSpace.
public sealed record ConnectorSpaceExport(string ConnectorName, string Path, ulong Examined, ulong Written);
