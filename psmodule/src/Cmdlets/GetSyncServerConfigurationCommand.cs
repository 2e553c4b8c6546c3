using System.Management.Automation;
using System.Text;

namespace IdSync.PowerShell.Cmdlets;

// Get-SyncServerConfiguration: the whole configuration (metaverse schema, connectors, sync rules,
// parameters) as the JSON document Import-SyncServerConfiguration and `idsync config import`
// read. With -Path it is written to that file (or to IdSyncConfiguration.json in that folder).
[Cmdlet(VerbsCommon.Get, "SyncServerConfiguration", SupportsShouldProcess = true)]
[Alias("Get-ADSyncServerConfiguration")]
[OutputType(typeof(string), typeof(FileInfo))]
public sealed class GetSyncServerConfigurationCommand : IdSyncCmdlet
{
    [Parameter(Position = 0)] public string? Path { get; set; }

    // Replace an existing file.
    [Parameter] public SwitchParameter Force { get; set; }

    protected override void EndProcessing()
    {
        string json = Call(() => Server.ConfigurationExport(), StorePath);
        if (Path is null)
        {
            WriteObject(json);
            return;
        }
        string file = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
        if (Directory.Exists(file)) file = System.IO.Path.Combine(file, "IdSyncConfiguration.json");
        if (File.Exists(file) && !Force)
            ThrowTerminatingError(new ErrorRecord(new IOException($"{file} already exists; pass -Force to replace it"),
                "IdSyncFileExists", ErrorCategory.ResourceExists, file));
        if (!ShouldProcess(file, "Write the server configuration")) return;
        try
        {
            // Owner-only (0600) like every IdSync file that can hold directory data, whatever
            // the umask; an existing file (-Force) is made private before it is rewritten.
            const UnixFileMode ownerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            if (!OperatingSystem.IsWindows() && File.Exists(file)) File.SetUnixFileMode(file, ownerOnly);
            var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = ownerOnly;
            using var stream = new FileStream(file, options);
            using var writer = new StreamWriter(stream, new UTF8Encoding(false));
            writer.Write(json);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            ThrowTerminatingError(new ErrorRecord(e, "IdSyncWriteFailed", ErrorCategory.WriteError, file));
        }
        WriteObject(new FileInfo(file));
    }
}
