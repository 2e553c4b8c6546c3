using System.Management.Automation;

namespace IdSync.PowerShell.Cmdlets;

// Set-SyncSchedulerConnectorOverride: force a full import and/or full sync of one connector in
// the next cycle (honoured once, then cleared). A flag not given keeps its value.
[Cmdlet(VerbsCommon.Set, "SyncSchedulerConnectorOverride", SupportsShouldProcess = true)]
[Alias("Set-ADSyncSchedulerConnectorOverride")]
[OutputType(typeof(SchedulerConnectorOverride))]
public sealed class SetSyncSchedulerConnectorOverrideCommand : IdSyncCmdlet
{
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
    [ArgumentCompleter(typeof(ConnectorNameCompleter))]
    public string? ConnectorName { get; set; }

    [Parameter] public string? ConnectorIdentifier { get; set; }
    [Parameter] public bool? FullImportRequired { get; set; }
    [Parameter] public bool? FullSyncRequired { get; set; }

    protected override void ProcessRecord()
    {
        string name = ResolveConnector(ConnectorName, ConnectorIdentifier);
        var (import, sync) = Call(() => Server.Override(name), name);
        bool newImport = FullImportRequired ?? import, newSync = FullSyncRequired ?? sync;
        if (!ShouldProcess(name, $"Set FullImportRequired={newImport}, FullSyncRequired={newSync}")) return;
        Call(() => Server.SetOverride(name, newImport, newSync), name);
        WriteObject(new SchedulerConnectorOverride(ConnectorIds().GetValueOrDefault(name, ""), name, newImport, newSync));
    }
}
