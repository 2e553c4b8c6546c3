using System.Management.Automation;

namespace IdSync.PowerShell.Cmdlets;

// Start-SyncPurgeRunHistory: removes run history older than -PurgeRunHistoryInterval (default:
// the scheduler's PurgeRunHistoryInterval, 7 days).
[Cmdlet(VerbsLifecycle.Start, "SyncPurgeRunHistory", SupportsShouldProcess = true)]
[Alias("Start-ADSyncPurgeRunHistory")]
[OutputType(typeof(PurgeRunHistoryResult))]
public sealed class StartSyncPurgeRunHistoryCommand : IdSyncCmdlet
{
    [Parameter(Position = 0)] public TimeSpan? PurgeRunHistoryInterval { get; set; }

    protected override void EndProcessing()
    {
        TimeSpan keep = PurgeRunHistoryInterval
            ?? SchedulerSettings.FromJson(Json.Parse(Call(() => Server.Scheduler(), StorePath))).PurgeRunHistoryInterval;
        if (keep < TimeSpan.Zero)
            ThrowTerminatingError(new ErrorRecord(new ArgumentException("-PurgeRunHistoryInterval must not be negative"),
                "IdSyncBadInterval", ErrorCategory.InvalidArgument, keep));
        DateTime before = DateTime.UtcNow - keep;
        if (!ShouldProcess(StorePath, $"Remove run history that ended before {before:u}")) return;
        long ms = new DateTimeOffset(before).ToUnixTimeMilliseconds();
        long removed = Call(() => Server.PurgeRunHistory(ms), StorePath);
        WriteObject(new PurgeRunHistoryResult(removed, before));
    }
}
