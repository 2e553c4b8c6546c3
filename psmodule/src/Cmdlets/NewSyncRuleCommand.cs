using System.Management.Automation;

namespace IdSync.PowerShell.Cmdlets;

// New-SyncRule: builds a sync rule in memory (nothing is stored until Add-SyncRule), with
// New-ADSyncRule's parameters. Extend it with Add-SyncScopeConditionGroup,
// Add-SyncJoinConditionGroup and Add-SyncAttributeFlowMapping.
[Cmdlet(VerbsCommon.New, "SyncRule")]
[Alias("New-ADSyncRule")]
[OutputType(typeof(SyncRule))]
public sealed class NewSyncRuleCommand : IdSyncCmdlet
{
    [Parameter(Mandatory = true, Position = 0)] public string Name { get; set; } = "";

    // A GUID; a new one when not given.
    [Parameter] public string? Identifier { get; set; }
    [Parameter] public string Description { get; set; } = "";

    [Parameter(Mandatory = true)] [ValidateSet("Inbound", "Outbound")] public string Direction { get; set; } = "";

    [Parameter] [ValidateRange(0, int.MaxValue)] public int Precedence { get; set; } = 100;
    [Parameter(Mandatory = true)] public string SourceObjectType { get; set; } = "";
    [Parameter(Mandatory = true)] public string TargetObjectType { get; set; } = "";

    // The connector's name or its Identifier GUID.
    [Parameter(Mandatory = true)]
    [ArgumentCompleter(typeof(ConnectorNameCompleter))]
    public string Connector { get; set; } = "";

    [Parameter] [ValidateSet("Join", "Provision", "StickyJoin")] public string LinkType { get; set; } = "Join";
    [Parameter] public string ImmutableTag { get; set; } = "";
    [Parameter] public SwitchParameter Disabled { get; set; }

    protected override void EndProcessing()
    {
        string connector = Connector;
        if (Guid.TryParse(Connector, out _)) connector = ResolveConnector(null, Connector);
        WriteObject(new SyncRule
        {
            Identifier = Identifier ?? "{" + Guid.NewGuid().ToString() + "}",
            Name = Name,
            Description = Description,
            Direction = Direction.Equals("outbound", StringComparison.OrdinalIgnoreCase) ? "Outbound" : "Inbound",
            Precedence = Precedence,
            SourceObjectType = SourceObjectType,
            TargetObjectType = TargetObjectType,
            Connector = connector,
            LinkType = LinkType,
            ImmutableTag = ImmutableTag,
            Disabled = Disabled,
        });
    }
}
