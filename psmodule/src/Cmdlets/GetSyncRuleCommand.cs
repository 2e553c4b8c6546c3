using System.Management.Automation;

namespace IdSync.PowerShell.Cmdlets;

// Get-SyncRule: the stored sync rules in configuration order; one by -Identifier, or those whose
// name matches -Name (wildcards), or those of -ConnectorName.
[Cmdlet(VerbsCommon.Get, "SyncRule")]
[Alias("Get-ADSyncRule")]
[OutputType(typeof(SyncRule))]
public sealed class GetSyncRuleCommand : IdSyncCmdlet
{
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    public string? Identifier { get; set; }

    [Parameter] [SupportsWildcards] public string? Name { get; set; }

    [Parameter]
    [ArgumentCompleter(typeof(ConnectorNameCompleter))]
    public string? ConnectorName { get; set; }

    protected override void ProcessRecord()
    {
        if (Identifier is not null)
        {
            TryCall(() => WriteObject(SyncRule.FromJson(Json.Parse(Server.Rule(Identifier)))), Identifier);
            return;
        }
        var pattern = Name is null ? null : new WildcardPattern(Name, WildcardOptions.IgnoreCase);
        foreach (var r in Json.Array(Json.Parse(Call(() => Server.Rules(), StorePath))).Select(SyncRule.FromJson))
        {
            if (pattern is not null && !pattern.IsMatch(r.Name)) continue;
            if (ConnectorName is not null && !string.Equals(r.Connector, ConnectorName, StringComparison.OrdinalIgnoreCase)) continue;
            WriteObject(r);
        }
    }
}
