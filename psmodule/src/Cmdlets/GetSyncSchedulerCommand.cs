using System.Management.Automation;

namespace IdSync.PowerShell.Cmdlets;

// Get-SyncScheduler: the scheduler's settings and state with Get-ADSyncScheduler's fields.
[Cmdlet(VerbsCommon.Get, "SyncScheduler")]
[Alias("Get-ADSyncScheduler")]
[OutputType(typeof(SchedulerSettings))]
public sealed class GetSyncSchedulerCommand : IdSyncCmdlet
{
    protected override void EndProcessing() =>
        WriteObject(SchedulerSettings.FromJson(Json.Parse(Call(() => Server.Scheduler(), StorePath))));
}
