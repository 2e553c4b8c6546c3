using System.Management.Automation;

namespace IdSync.PowerShell.Cmdlets;

// Stop-SyncCycle: asks the running cycle or run profile (in any process on this store) to stop
// at its next step boundary. Says so, and changes nothing, when nothing runs.
[Cmdlet(VerbsLifecycle.Stop, "SyncCycle", SupportsShouldProcess = true)]
[Alias("Stop-ADSyncSyncCycle")]
[OutputType(typeof(string))]
public sealed class StopSyncCycleCommand : IdSyncCmdlet
{
    protected override void EndProcessing()
    {
        string running = Call(() => Server.Running(), StorePath);
        if (running.Length == 0)
        {
            WriteWarning("Nothing is running on this store.");
            return;
        }
        if (!ShouldProcess(running, "Ask to stop at the next step")) return;
        Call(() => Server.Stop(), running);
        WriteObject($"Asked {running} to stop at its next step.");
    }
}
