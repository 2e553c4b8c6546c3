using System.Management.Automation;
using IdSync.PowerShell.Native;

namespace IdSync.PowerShell.Cmdlets;

// Import-SyncServerConfiguration -Path file.json | -Json text: replaces the whole configuration.
// Every rule is compiled first; a configuration with a broken rule is refused and nothing
// changes. Connector spaces of connectors that stay (same name) are kept. -Create makes the
// store when it does not exist yet.
[Cmdlet(VerbsData.Import, "SyncServerConfiguration", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High,
    DefaultParameterSetName = "Path")]
[OutputType(typeof(SyncConnector))]
public sealed class ImportSyncServerConfigurationCommand : IdSyncCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = "Path")] public string Path { get; set; } = "";
    [Parameter(Mandatory = true, ParameterSetName = "Json", ValueFromPipeline = true)] public string Json { get; set; } = "";
    [Parameter] public SwitchParameter Create { get; set; }

    private readonly System.Text.StringBuilder _piped = new();

    // Lines piped from Get-Content (without -Raw) arrive one by one: join them.
    protected override void ProcessRecord()
    {
        if (ParameterSetName == "Json") _piped.AppendLine(Json);
    }

    protected override void EndProcessing()
    {
        string json = _piped.ToString();
        if (ParameterSetName == "Path")
        {
            string file = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
            try
            {
                json = File.ReadAllText(file);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                ThrowTerminatingError(new ErrorRecord(e, "IdSyncReadFailed", ErrorCategory.ReadError, file));
            }
        }
        if (!ShouldProcess(StorePath, "Replace the whole server configuration")) return;
        if (Create && !File.Exists(StorePath))
            Call(() => { using var created = IdSyncServer.Open(StorePath, create: true); }, StorePath);
        Call(() => Server.ConfigurationImport(json), StorePath);
        foreach (var c in IdSync.PowerShell.Json.Array(IdSync.PowerShell.Json.Parse(Call(() => Server.Connectors(), StorePath))))
            WriteObject(SyncConnector.FromJson(c));
    }
}
