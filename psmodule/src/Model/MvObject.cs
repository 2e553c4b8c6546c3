using System.Collections;
using System.Text.Json.Nodes;

namespace IdSync.PowerShell;

// Get-SyncMVObject: a metaverse object and the connector space objects joined to it (Lineage).
public sealed class MvObject
{
    public Guid ObjectId { get; init; }
    public ulong Id { get; init; }
    public string ObjectType { get; init; } = "";
    public Hashtable Attributes { get; init; } = new();
    public MvLink[] Lineage { get; init; } = [];

    internal static MvObject FromJson(JsonNode o) => new()
    {
        ObjectId = Json.IdGuid(Json.ULong(o, "id")),
        Id = Json.ULong(o, "id"),
        ObjectType = Json.Str(o, "objectType"),
        Attributes = Json.Attributes(o, "attributes"),
        Lineage = Json.Array(o, "connectors")
            .Select(l => new MvLink(Json.Str(l, "connector"), Json.Str(l, "dn"), Json.IdGuid(Json.ULong(l, "csObjectId"))))
            .ToArray(),
    };
}

public sealed record MvLink(string ConnectorName, string ConnectedCsObjectDN, Guid ConnectedCsObjectId);
