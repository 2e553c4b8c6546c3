using System.Text.Json.Nodes;

namespace IdSync.PowerShell;

// A sync rule, with the property names of ADSync's SynchronizationRule (Identifier, Name,
// Connector, Direction, SourceObjectType, TargetObjectType, Precedence, LinkType, Disabled,
// ScopeFilter, JoinFilter, AttributeFlowMappings). New-SyncRule builds one in memory; the
// Add-Sync*Mapping/*Group cmdlets extend it; Add-SyncRule stores it. The store's JSON form is
// README "Configuration file" syncRules[].
public sealed class SyncRule
{
    public string Identifier { get; set; } = "";
    public string Name { get; set; } = "";
    public string Description { get; set; } = "";
    public string ImmutableTag { get; set; } = "";
    public string Connector { get; set; } = "";
    public string Direction { get; set; } = "Inbound";
    public string SourceObjectType { get; set; } = "";
    public string TargetObjectType { get; set; } = "";
    public string LinkType { get; set; } = "Join";
    public int Precedence { get; set; } = 100;
    public bool Disabled { get; set; }
    public List<ScopeConditionGroup> ScopeFilter { get; set; } = [];
    public List<JoinConditionGroup> JoinFilter { get; set; } = [];
    public List<AttributeFlowMapping> AttributeFlowMappings { get; set; } = [];

    internal string ToJson()
    {
        var scope = new JsonArray();
        foreach (ScopeConditionGroup g in ScopeFilter)
            scope.Add(new JsonArray(g.ScopeConditionList.Select(c => (JsonNode)new JsonObject
            {
                ["attribute"] = c.Attribute, ["operator"] = c.ComparisonOperator, ["value"] = c.ComparisonValue,
            }).ToArray()));
        var joins = new JsonArray();
        foreach (JoinConditionGroup g in JoinFilter)
            joins.Add(new JsonArray(g.JoinConditionList.Select(c => (JsonNode)new JsonObject
            {
                ["csAttribute"] = c.CSAttribute, ["mvAttribute"] = c.MVAttribute, ["caseSensitive"] = c.CaseSensitive,
            }).ToArray()));
        var flows = new JsonArray();
        foreach (AttributeFlowMapping f in AttributeFlowMappings)
        {
            var flow = new JsonObject { ["type"] = f.FlowType, ["destination"] = f.Destination };
            if (f.Source.Length > 0) flow["sources"] = new JsonArray(f.Source.Select(s => (JsonNode)JsonValue.Create(s)!).ToArray());
            if (string.Equals(f.FlowType, "Expression", StringComparison.OrdinalIgnoreCase)) flow["expression"] = f.Expression;
            if (string.Equals(f.FlowType, "Constant", StringComparison.OrdinalIgnoreCase)) flow["value"] = f.Expression;
            flow["merge"] = f.ValueMergeType;
            if (f.ExecuteOnce) flow["executeOnce"] = true;
            flows.Add(flow);
        }
        var j = new JsonObject
        {
            ["id"] = Identifier, ["name"] = Name, ["description"] = Description, ["immutableTag"] = ImmutableTag,
            ["direction"] = Direction, ["connector"] = Connector, ["sourceObjectType"] = SourceObjectType,
            ["targetObjectType"] = TargetObjectType, ["linkType"] = LinkType, ["precedence"] = Precedence,
            ["disabled"] = Disabled, ["scope"] = scope, ["joins"] = joins, ["flows"] = flows,
        };
        return j.ToJsonString();
    }

    internal static SyncRule FromJson(JsonNode r) => new()
    {
        Identifier = Json.Str(r, "id"),
        Name = Json.Str(r, "name"),
        Description = Json.Str(r, "description"),
        ImmutableTag = Json.Str(r, "immutableTag"),
        Connector = Json.Str(r, "connector"),
        Direction = Json.Str(r, "direction"),
        SourceObjectType = Json.Str(r, "sourceObjectType"),
        TargetObjectType = Json.Str(r, "targetObjectType"),
        LinkType = Json.Str(r, "linkType"),
        Precedence = (int)Json.Long(r, "precedence"),
        Disabled = Json.Bool(r, "disabled"),
        ScopeFilter = Json.Array(r, "scope").Select(g => new ScopeConditionGroup
        {
            ScopeConditionList = Json.Array(g)
                .Select(c => new ScopeCondition(Json.Str(c, "attribute"), Json.Str(c, "value"), Json.Str(c, "operator"))).ToList(),
        }).ToList(),
        JoinFilter = Json.Array(r, "joins").Select(g => new JoinConditionGroup
        {
            JoinConditionList = Json.Array(g)
                .Select(c => new JoinCondition(Json.Str(c, "csAttribute"), Json.Str(c, "mvAttribute"), Json.Bool(c, "caseSensitive")))
                .ToList(),
        }).ToList(),
        AttributeFlowMappings = Json.Array(r, "flows").Select(f => new AttributeFlowMapping
        {
            FlowType = Json.Str(f, "type"),
            Destination = Json.Str(f, "destination"),
            Source = Json.Strings(f, "sources"),
            Expression = Json.Str(f, "type") == "Constant" ? Json.Str(f, "value") : Json.Str(f, "expression"),
            ValueMergeType = Json.Str(f, "merge"),
            ExecuteOnce = Json.Bool(f, "executeOnce"),
        }).ToList(),
    };

    public override string ToString() => Name;
}

// Clauses in a group are ANDed; groups are ORed. Operators are the Entra tokens (EQUAL, ISNOTNULL, ...).
public sealed class ScopeCondition
{
    public string Attribute { get; set; } = "";
    public string ComparisonValue { get; set; } = "";
    public string ComparisonOperator { get; set; } = "EQUAL";

    public ScopeCondition() { }

    // The argument order of ADSync's ScopeCondition(attribute, value, operator).
    public ScopeCondition(string attribute, string comparisonValue, string comparisonOperator)
    {
        Attribute = attribute;
        ComparisonValue = comparisonValue;
        ComparisonOperator = comparisonOperator;
    }

    public override string ToString() => $"{Attribute} {ComparisonOperator} {ComparisonValue}".TrimEnd();
}

public sealed class ScopeConditionGroup
{
    public List<ScopeCondition> ScopeConditionList { get; set; } = [];
    public override string ToString() => string.Join(" AND ", ScopeConditionList);
}

// Join groups are tried in order; the first with exactly one match wins.
public sealed class JoinCondition
{
    public string CSAttribute { get; set; } = "";
    public string MVAttribute { get; set; } = "";
    public bool CaseSensitive { get; set; }

    public JoinCondition() { }

    public JoinCondition(string csAttribute, string mvAttribute, bool caseSensitive)
    {
        CSAttribute = csAttribute;
        MVAttribute = mvAttribute;
        CaseSensitive = caseSensitive;
    }

    public override string ToString() => $"{CSAttribute} = {MVAttribute}";
}

public sealed class JoinConditionGroup
{
    public List<JoinCondition> JoinConditionList { get; set; } = [];
    public override string ToString() => string.Join(" AND ", JoinConditionList);
}

// A flow: Direct (one source attribute), Constant (Expression holds the value) or Expression.
public sealed class AttributeFlowMapping
{
    public string[] Source { get; set; } = [];
    public string Destination { get; set; } = "";
    public string FlowType { get; set; } = "Direct";
    public string Expression { get; set; } = "";
    public string ValueMergeType { get; set; } = "Update";
    public bool ExecuteOnce { get; set; }

    public override string ToString() => FlowType switch
    {
        "Direct" => $"{string.Join(",", Source)} → {Destination}",
        _ => $"{Expression} → {Destination}",
    };
}
