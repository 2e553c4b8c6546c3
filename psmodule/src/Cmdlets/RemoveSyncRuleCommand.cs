using System.Management.Automation;

namespace IdSync.PowerShell.Cmdlets;

// Remove-SyncRule: removes a stored rule, given as -SynchronizationRule (pipeline) or -Identifier.
// ConfirmImpact stays Medium so that existing ADSync scripts run non-interactively; -Confirm asks.
[Cmdlet(VerbsCommon.Remove, "SyncRule", SupportsShouldProcess = true, DefaultParameterSetName = "Rule")]
[Alias("Remove-ADSyncRule")]
public sealed class RemoveSyncRuleCommand : IdSyncCmdlet
{
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = "Rule", Position = 0)]
    public SyncRule SynchronizationRule { get; set; } = null!;

    [Parameter(Mandatory = true, ParameterSetName = "Identifier")]
    public string Identifier { get; set; } = "";

    protected override void ProcessRecord()
    {
        string id = ParameterSetName == "Rule" ? SynchronizationRule.Identifier : Identifier;
        string label = ParameterSetName == "Rule" ? $"{SynchronizationRule.Name} {id}" : id;
        if (!ShouldProcess(label, "Remove sync rule")) return;
        TryCall(() => Server.RemoveRule(id), id);
    }
}
