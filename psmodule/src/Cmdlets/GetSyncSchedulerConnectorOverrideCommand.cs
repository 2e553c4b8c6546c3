using System.Management.Automation;

namespace IdSync.PowerShell.Cmdlets;

// Get-SyncSchedulerConnectorOverride: whether the next cycle runs a full import / full sync on a
// connector instead of a delta; every connector's when none is named.
[Cmdlet(VerbsCommon.Get, "SyncSchedulerConnectorOverride")]
[Alias("Get-ADSyncSchedulerConnectorOverride")]
[OutputType(typeof(SchedulerConnectorOverride))]
public sealed class GetSyncSchedulerConnectorOverrideCommand : IdSyncCmdlet
{
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
    [ArgumentCompleter(typeof(ConnectorNameCompleter))]
    public string? ConnectorName { get; set; }

    [Parameter] public string? ConnectorIdentifier { get; set; }

    protected override void ProcessRecord()
    {
        var ids = ConnectorIds();
        IEnumerable<string> names = ConnectorName is null && ConnectorIdentifier is null
            ? ids.Keys
            : [ResolveConnector(ConnectorName, ConnectorIdentifier)];
        foreach (string name in names)
        {
            var (import, sync) = Call(() => Server.Override(name), name);
            string canonical = ids.Keys.FirstOrDefault(k => string.Equals(k, name, StringComparison.OrdinalIgnoreCase)) ?? name;
            WriteObject(new SchedulerConnectorOverride(ids.GetValueOrDefault(canonical, ""), canonical, import, sync));
        }
    }
}
