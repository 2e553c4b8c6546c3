using System.Management.Automation;
using System.Text.Json.Nodes;

namespace IdSync.PowerShell.Cmdlets;

// Disable-SyncGroupMemberRemovalLimit: exports may remove any number of members from a group
// (not recommended; re-enable after the planned cleanup). The limit's values are kept.
[Cmdlet(VerbsLifecycle.Disable, "SyncGroupMemberRemovalLimit", SupportsShouldProcess = true)]
[OutputType(typeof(GroupMemberRemovalLimit))]
public sealed class DisableSyncGroupMemberRemovalLimitCommand : IdSyncCmdlet
{
    protected override void EndProcessing()
    {
        if (!ShouldProcess(StorePath, "Allow exports to remove any number of members from a group")) return;
        string changes = new JsonObject { ["Enabled"] = false }.ToJsonString();
        Call(() => Server.SetMemberRemovalLimit(changes), StorePath);
        WriteObject(Call(() => GetSyncGroupMemberRemovalLimitCommand.Current(this), StorePath));
    }
}
