using System.Management.Automation;

namespace IdSync.PowerShell.Cmdlets;

// Add-SyncAttributeFlowMapping: adds a flow to a rule in memory and returns the rule
// (Add-ADSyncAttributeFlowMapping). Direct takes one -Source; Expression takes -Expression
// (and the -Source attributes it reads); Constant takes the value in -Expression.
[Cmdlet(VerbsCommon.Add, "SyncAttributeFlowMapping")]
[Alias("Add-ADSyncAttributeFlowMapping")]
[OutputType(typeof(SyncRule))]
public sealed class AddSyncAttributeFlowMappingCommand : PSCmdlet
{
    [Parameter(Mandatory = true, ValueFromPipeline = true)] public SyncRule SynchronizationRule { get; set; } = null!;
    [Parameter] public string[] Source { get; set; } = [];
    [Parameter(Mandatory = true)] public string Destination { get; set; } = "";
    [Parameter] [ValidateSet("Direct", "Constant", "Expression")] public string FlowType { get; set; } = "Direct";
    [Parameter] public string Expression { get; set; } = "";
    [Parameter] [ValidateSet("Update", "Replace", "Merge", "MergeCaseInsensitive")] public string ValueMergeType { get; set; } = "Update";
    [Parameter] public SwitchParameter ExecuteOnce { get; set; }

    protected override void ProcessRecord()
    {
        if (FlowType == "Direct" && Source.Length != 1)
            ThrowTerminatingError(new ErrorRecord(new ArgumentException($"a Direct flow to '{Destination}' needs exactly one -Source attribute"),
                "IdSyncFlowNeedsOneSource", ErrorCategory.InvalidArgument, Destination));
        if (FlowType != "Direct" && Expression.Length == 0)
            ThrowTerminatingError(new ErrorRecord(new ArgumentException($"a {FlowType} flow to '{Destination}' needs -Expression"),
                "IdSyncFlowNeedsExpression", ErrorCategory.InvalidArgument, Destination));
        SynchronizationRule.AttributeFlowMappings.Add(new AttributeFlowMapping
        {
            Source = Source, Destination = Destination, FlowType = FlowType, Expression = Expression,
            ValueMergeType = ValueMergeType, ExecuteOnce = ExecuteOnce,
        });
        WriteObject(SynchronizationRule);
    }
}
