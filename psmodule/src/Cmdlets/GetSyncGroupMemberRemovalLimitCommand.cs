using System.Management.Automation;

namespace IdSync.PowerShell.Cmdlets;

// Get-SyncGroupMemberRemovalLimit: how many members one export run may remove from one group
// (IdSync's own safety limit; Entra Connect has none, so there is no ADSync alias).
[Cmdlet(VerbsCommon.Get, "SyncGroupMemberRemovalLimit")]
[OutputType(typeof(GroupMemberRemovalLimit))]
public sealed class GetSyncGroupMemberRemovalLimitCommand : IdSyncCmdlet
{
    protected override void EndProcessing() => WriteObject(Call(() => Current(this), StorePath));

    internal static GroupMemberRemovalLimit Current(IdSyncCmdlet cmdlet) =>
        GroupMemberRemovalLimit.FromJson(Json.Parse(cmdlet.Server.MemberRemovalLimit()));
}
