using System.Management.Automation;

namespace IdSync.PowerShell.Cmdlets;

// Get-SyncConnector: the configured connectors with their run profiles; one by -Name or -Identifier.
[Cmdlet(VerbsCommon.Get, "SyncConnector")]
[Alias("Get-ADSyncConnector")]
[OutputType(typeof(SyncConnector))]
public sealed class GetSyncConnectorCommand : IdSyncCmdlet
{
    [Parameter(Position = 0)]
    [ArgumentCompleter(typeof(ConnectorNameCompleter))]
    public string? Name { get; set; }

    [Parameter] public string? Identifier { get; set; }

    protected override void EndProcessing()
    {
        var all = Json.Array(Json.Parse(Call(() => Server.Connectors(), StorePath))).Select(SyncConnector.FromJson).ToList();
        var found = all.Where(c =>
            (Name is null || string.Equals(c.Name, Name, StringComparison.OrdinalIgnoreCase)) &&
            (Identifier is null || string.Equals(c.Identifier.Trim('{', '}'), Identifier.Trim('{', '}'), StringComparison.OrdinalIgnoreCase)))
            .ToList();
        if (found.Count == 0 && (Name is not null || Identifier is not null))
        {
            ThrowTerminatingError(new IdSyncException(2,
                $"no connector '{Name ?? Identifier}'; the store has: {string.Join(", ", all.Select(c => c.Name))}")
                .ToErrorRecord(Name ?? Identifier));
        }
        WriteObject(found, enumerateCollection: true);
    }
}
