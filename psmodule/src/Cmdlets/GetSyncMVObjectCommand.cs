using System.Management.Automation;

namespace IdSync.PowerShell.Cmdlets;

// Get-SyncMVObject -Identifier: a metaverse object with its attributes and the connector space
// objects joined to it (Lineage). Without -Identifier, a page of metaverse objects
// (-ObjectType, -MaxResultCount).
[Cmdlet(VerbsCommon.Get, "SyncMVObject", DefaultParameterSetName = "List")]
[Alias("Get-ADSyncMVObject")]
[OutputType(typeof(MvObject))]
public sealed class GetSyncMVObjectCommand : IdSyncCmdlet
{
    [Parameter(Position = 0, ParameterSetName = "Identifier", Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Alias("ConnectedMVObjectId", "ObjectId")]
    public Guid Identifier { get; set; }

    [Parameter(ParameterSetName = "List")] public string? ObjectType { get; set; }
    [Parameter(ParameterSetName = "List")] [ValidateRange(0, long.MaxValue)] public long MaxResultCount { get; set; } = 1000;

    protected override void ProcessRecord()
    {
        if (ParameterSetName == "List")
        {
            foreach (var o in Json.Array(Json.Parse(Call(() => Server.MvList(ObjectType, MaxResultCount), StorePath))))
                WriteObject(MvObject.FromJson(o));
            return;
        }
        ulong id = Json.IdOf(Identifier);
        if (id == 0)
        {
            WriteError(new IdSyncException(1, $"{Identifier} is not an IdSync metaverse object id ({{00000000-0000-0000-...}})")
                .ToErrorRecord(Identifier));
            return;
        }
        TryCall(() => WriteObject(MvObject.FromJson(Json.Parse(Server.MvObject(id)))), Identifier);
    }
}
