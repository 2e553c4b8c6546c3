using System.Management.Automation;

namespace IdSync.PowerShell.Cmdlets;

// Add-SyncScopeConditionGroup: adds one scoping group (its conditions ANDed; groups ORed) to a
// rule in memory and returns the rule (Add-ADSyncScopeConditionGroup). Conditions are
// [IdSync.PowerShell.ScopeCondition]::new('attribute', 'value', 'EQUAL') or hashtables
// @{ Attribute = ...; ComparisonValue = ...; ComparisonOperator = ... }.
[Cmdlet(VerbsCommon.Add, "SyncScopeConditionGroup")]
[Alias("Add-ADSyncScopeConditionGroup")]
[OutputType(typeof(SyncRule))]
public sealed class AddSyncScopeConditionGroupCommand : PSCmdlet
{
    private static readonly HashSet<string> Operators = new(StringComparer.OrdinalIgnoreCase)
    {
        "EQUAL", "NOTEQUAL", "LESSTHAN", "LESSTHAN_OR_EQUAL", "GREATERTHAN", "GREATERTHAN_OR_EQUAL", "CONTAINS",
        "NOTCONTAINS", "STARTSWITH", "NOTSTARTSWITH", "ENDSWITH", "NOTENDSWITH", "ISNULL", "ISNOTNULL", "ISIN", "ISNOTIN",
        "ISBITSET", "ISBITNOTSET", "ISMEMBEROF", "ISNOTMEMBEROF",
    };

    [Parameter(Mandatory = true, ValueFromPipeline = true)] public SyncRule SynchronizationRule { get; set; } = null!;
    [Parameter(Mandatory = true)] public ScopeCondition[] ScopeConditions { get; set; } = [];

    protected override void ProcessRecord()
    {
        foreach (ScopeCondition c in ScopeConditions)
            if (!Operators.Contains(c.ComparisonOperator))
                ThrowTerminatingError(new ErrorRecord(new ArgumentException(
                    $"'{c.ComparisonOperator}' (on {c.Attribute}) is not a scope operator; use one of {string.Join(", ", Operators)}"),
                    "IdSyncBadScopeOperator", ErrorCategory.InvalidArgument, c));
        SynchronizationRule.ScopeFilter.Add(new ScopeConditionGroup { ScopeConditionList = ScopeConditions.ToList() });
        WriteObject(SynchronizationRule);
    }
}
