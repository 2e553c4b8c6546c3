using System.Management.Automation;
using System.Text.Json.Nodes;

namespace IdSync.PowerShell.Cmdlets;

// Enable-SyncGroupMemberRemovalLimit [-ThresholdCount N] [-ThresholdPercentage P]
// [-MinimumGroupSize M]: an export run that would remove more members than this from one group
// stops with stopped-group-member-removal-limit-exceeded. Parameters not given keep their value.
[Cmdlet(VerbsLifecycle.Enable, "SyncGroupMemberRemovalLimit", SupportsShouldProcess = true)]
[OutputType(typeof(GroupMemberRemovalLimit))]
public sealed class EnableSyncGroupMemberRemovalLimitCommand : IdSyncCmdlet
{
    [Parameter(Position = 0)] public ulong ThresholdCount { get; set; }
    [Parameter] [ValidateRange(0, 100)] public uint ThresholdPercentage { get; set; }
    [Parameter] public ulong MinimumGroupSize { get; set; }

    protected override void EndProcessing()
    {
        var changes = new JsonObject { ["Enabled"] = true };
        var said = new List<string>();
        if (MyInvocation.BoundParameters.ContainsKey(nameof(ThresholdCount)))
        {
            changes["ThresholdCount"] = ThresholdCount;
            said.Add($"more than {ThresholdCount} removals");
        }
        if (MyInvocation.BoundParameters.ContainsKey(nameof(ThresholdPercentage)))
        {
            changes["ThresholdPercentage"] = ThresholdPercentage;
            said.Add($"more than {ThresholdPercentage}%");
        }
        if (MyInvocation.BoundParameters.ContainsKey(nameof(MinimumGroupSize)))
        {
            changes["MinimumGroupSize"] = MinimumGroupSize;
            said.Add($"the percentage for groups of {MinimumGroupSize} members or more");
        }
        string action = "Stop exports that remove too many members from a group" + (said.Count > 0 ? $" ({string.Join(", ", said)})" : "");
        if (!ShouldProcess(StorePath, action)) return;
        Call(() => Server.SetMemberRemovalLimit(changes.ToJsonString()), StorePath);
        WriteObject(Call(() => GetSyncGroupMemberRemovalLimitCommand.Current(this), StorePath));
    }
}
