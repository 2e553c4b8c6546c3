using System.Management.Automation;

namespace IdSync.PowerShell.Cmdlets;

// Add-SyncJoinConditionGroup: adds one join group (tried in order; the first with exactly one
// match wins) to a rule in memory and returns the rule (Add-ADSyncJoinConditionGroup).
// Conditions are [IdSync.PowerShell.JoinCondition]::new('csAttribute', 'mvAttribute', $false).
[Cmdlet(VerbsCommon.Add, "SyncJoinConditionGroup")]
[Alias("Add-ADSyncJoinConditionGroup")]
[OutputType(typeof(SyncRule))]
public sealed class AddSyncJoinConditionGroupCommand : PSCmdlet
{
    [Parameter(Mandatory = true, ValueFromPipeline = true)] public SyncRule SynchronizationRule { get; set; } = null!;
    [Parameter(Mandatory = true)] public JoinCondition[] JoinConditions { get; set; } = [];

    protected override void ProcessRecord()
    {
        SynchronizationRule.JoinFilter.Add(new JoinConditionGroup { JoinConditionList = JoinConditions.ToList() });
        WriteObject(SynchronizationRule);
    }
}
