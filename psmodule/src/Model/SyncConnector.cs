using System.Collections;
using System.Text.Json.Nodes;

namespace IdSync.PowerShell;

// Get-SyncConnector: a configured connector (management agent).
public sealed class SyncConnector
{
    public string Name { get; init; } = "";
    public string Identifier { get; init; } = "";
    public string ConnectorTypeName { get; init; } = "";
    public string Role { get; init; } = "";
    public SyncRunProfile[] RunProfiles { get; init; } = [];
    public string[] ObjectInclusionList { get; init; } = [];
    public Hashtable Options { get; init; } = new();
    public Hashtable Parameters { get; init; } = new();

    internal static SyncConnector FromJson(JsonNode c)
    {
        var options = new Hashtable(StringComparer.OrdinalIgnoreCase);
        if (c["options"] is JsonObject o) foreach (var (k, v) in o) options[k] = v?.ToString();
        var parameters = new Hashtable(StringComparer.OrdinalIgnoreCase);
        if (c["parameters"] is JsonObject p) foreach (var (k, v) in p) parameters[k] = v?.ToString();
        return new SyncConnector
        {
            Name = Json.Str(c, "name"),
            Identifier = Json.Str(c, "id"),
            ConnectorTypeName = Json.Str(c, "type"),
            Role = Json.Str(c, "role"),
            RunProfiles = Json.Array(c, "runProfiles").Select(r => new SyncRunProfile(Json.Str(r, "name"), Json.Strings(r, "steps"))).ToArray(),
            ObjectInclusionList = Json.Array(c["schema"], "objectTypes").Select(t => Json.Str(t, "name")).ToArray(),
            Options = options,
            Parameters = parameters,
        };
    }
}

public sealed record SyncRunProfile(string Name, string[] Steps)
{
    public override string ToString() => Name;
}
