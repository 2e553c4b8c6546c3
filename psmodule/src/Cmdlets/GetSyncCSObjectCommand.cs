using System.Management.Automation;

namespace IdSync.PowerShell.Cmdlets;

// Get-SyncCSObject: a connector space object by -DistinguishedName or -Identifier (its ObjectId
// GUID) or -AnchorValue (base64); without any of them, a page of the connector's objects
// (-PendingExport for those with an export waiting, -MaxResultCount).
[Cmdlet(VerbsCommon.Get, "SyncCSObject", DefaultParameterSetName = "List")]
[Alias("Get-ADSyncCSObject")]
[OutputType(typeof(CsObject))]
public sealed class GetSyncCSObjectCommand : IdSyncCmdlet
{
    [Parameter(Position = 0, ParameterSetName = "DistinguishedName", ValueFromPipelineByPropertyName = true)]
    [Parameter(ParameterSetName = "Identifier")]
    [Parameter(ParameterSetName = "Anchor", Mandatory = true)]
    [Parameter(Position = 0, ParameterSetName = "List", Mandatory = true)]
    [ArgumentCompleter(typeof(ConnectorNameCompleter))]
    public string? ConnectorName { get; set; }

    [Parameter(ParameterSetName = "DistinguishedName")]
    [Parameter(ParameterSetName = "Identifier")]
    [Parameter(ParameterSetName = "Anchor")]
    [Parameter(ParameterSetName = "List")]
    public string? ConnectorIdentifier { get; set; }

    [Parameter(Position = 1, ParameterSetName = "DistinguishedName", Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Alias("DN")]
    public string? DistinguishedName { get; set; }

    [Parameter(ParameterSetName = "Identifier", Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Alias("ObjectId")]
    public Guid Identifier { get; set; }

    [Parameter(ParameterSetName = "Anchor", Mandatory = true)]
    public string? AnchorValue { get; set; }

    [Parameter(ParameterSetName = "List")] public SwitchParameter PendingExport { get; set; }
    [Parameter(ParameterSetName = "List")] [ValidateRange(0, long.MaxValue)] public long MaxResultCount { get; set; } = 1000;

    // Accepted for ADSync scripts; DNs are compared as DNs either way.
    [Parameter] public SwitchParameter SkipDNValidation { get; set; }
    [Parameter] public SwitchParameter Transient { get; set; }

    protected override void ProcessRecord()
    {
        if (ParameterSetName == "List")
        {
            string name = ResolveConnector(ConnectorName, ConnectorIdentifier);
            string json = Call(() => Server.CsList(name, PendingExport, MaxResultCount), name);
            foreach (var o in Json.Array(Json.Parse(json))) WriteObject(CsObject.FromJson(o));
            return;
        }
        string key = ParameterSetName switch
        {
            "Identifier" => "id:" + Json.IdOf(Identifier),
            "Anchor" => "anchor:" + AnchorValue,
            _ => DistinguishedName!,
        };
        if (ParameterSetName == "Identifier" && Json.IdOf(Identifier) == 0)
        {
            WriteError(new IdSyncException(1, $"{Identifier} is not an IdSync connector space object id ({{00000000-0000-0000-...}})")
                .ToErrorRecord(Identifier));
            return;
        }
        // Without a connector an object id is looked up in every connector space.
        IEnumerable<string> connectors = ConnectorName is null && ConnectorIdentifier is null && ParameterSetName == "Identifier"
            ? ConnectorIds().Keys
            : [ResolveConnector(ConnectorName, ConnectorIdentifier)];
        IdSyncException? last = null;
        foreach (string connector in connectors)
        {
            try
            {
                WriteObject(CsObject.FromJson(Json.Parse(Server.CsObject(connector, key))));
                return;
            }
            catch (IdSyncException e) when (e.Code == 2)
            {
                last = e;
            }
            catch (IdSyncException e)
            {
                WriteError(e.ToErrorRecord(key));
                return;
            }
        }
        WriteError((last ?? new IdSyncException(2, $"no connector space object '{key}'")).ToErrorRecord(key));
    }
}
