using System.Collections;
using System.Text.Json.Nodes;

namespace IdSync.PowerShell;

// Get-SyncCSObject: a connector space object, with Get-ADSyncCSObject's property names where
// they exist (ObjectId, ConnectorName, DistinguishedName, AnchorValue, ObjectType,
// IsConnector, IsPlaceHolder, ConnectedMVObjectId, HasSyncError, Attributes).
public sealed class CsObject
{
    public Guid ObjectId { get; init; }
    public ulong Id { get; init; }
    public string ConnectorName { get; init; } = "";
    public string DistinguishedName { get; init; } = "";
    public string AnchorValue { get; init; } = "";  // base64
    public string ObjectType { get; init; } = "";
    public string ConnectorState { get; init; } = "";
    public bool IsConnector { get; init; }           // joined to a metaverse object
    public bool IsPlaceHolder { get; init; }
    public Guid? ConnectedMVObjectId { get; init; }
    public string PendingImport { get; init; } = "";
    public string PendingExport { get; init; } = "";
    public bool HasSyncError { get; init; }
    public string Error { get; init; } = "";
    public Hashtable Attributes { get; init; } = new();          // the synchronized hologram (empty in lists)
    public PendingAttributeChange[] PendingExportChanges { get; init; } = [];

    internal static CsObject FromJson(JsonNode o)
    {
        ulong mv = Json.ULong(o, "mvObjectId");
        string error = Json.Str(o, "error");
        return new CsObject
        {
            ObjectId = Json.IdGuid(Json.ULong(o, "id")),
            Id = Json.ULong(o, "id"),
            ConnectorName = Json.Str(o, "connector"),
            DistinguishedName = Json.Str(o, "dn"),
            AnchorValue = Json.Str(o, "anchor"),
            ObjectType = Json.Str(o, "objectType"),
            ConnectorState = Json.Str(o, "connectorState"),
            IsConnector = mv != 0,
            IsPlaceHolder = Json.Bool(o, "placeholder"),
            ConnectedMVObjectId = mv != 0 ? Json.IdGuid(mv) : null,
            PendingImport = Json.Str(o, "pendingImport"),
            PendingExport = Json.Str(o, "pendingExport"),
            HasSyncError = error.Length > 0,
            Error = error,
            Attributes = Json.Attributes(o, "hologram"),
            PendingExportChanges = Json.Array(o, "pendingExportChanges")
                .Select(c => new PendingAttributeChange(Json.Str(c, "attribute"), Json.Str(c, "operation"), Json.Strings(c, "values")))
                .ToArray(),
        };
    }
}

public sealed record PendingAttributeChange(string Attribute, string Operation, string[] Values);
