using System.Management.Automation;

namespace IdSync.PowerShell.Cmdlets;

// Add-SyncRule: stores a rule built with New-SyncRule (or changed from Get-SyncRule): adds it, or
// replaces the stored rule with the same Identifier. Every rule is compiled first; a rule that
// does not compile (unknown attribute, broken expression) is refused and nothing changes.
// Run a Full Synchronization afterwards so that existing objects see the change.
[Cmdlet(VerbsCommon.Add, "SyncRule", SupportsShouldProcess = true)]
[Alias("Add-ADSyncRule")]
[OutputType(typeof(SyncRule))]
public sealed class AddSyncRuleCommand : IdSyncCmdlet
{
    [Parameter(Mandatory = true, ValueFromPipeline = true, Position = 0)] public SyncRule SynchronizationRule { get; set; } = null!;

    protected override void ProcessRecord()
    {
        SyncRule rule = SynchronizationRule;
        if (!ShouldProcess($"{rule.Name} {rule.Identifier}", "Add or replace sync rule")) return;
        if (!TryCall(() => rule.Identifier = Server.PutRule(rule.ToJson()), rule.Name)) return;
        TryCall(() => WriteObject(SyncRule.FromJson(Json.Parse(Server.Rule(rule.Identifier)))), rule.Identifier);
    }
}
