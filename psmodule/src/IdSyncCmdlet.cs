using System.Management.Automation;
using System.Runtime.InteropServices;
using IdSync.PowerShell.Native;

namespace IdSync.PowerShell;

// What every IdSync cmdlet shares: the -Store parameter (or $env:IDSYNC_STORE, as the idsync
// CLI), one open store per cmdlet invocation, library errors as ErrorRecords, and runs on a
// worker thread so that the pipeline thread can write progress and Ctrl+C can ask the run to stop.
public abstract class IdSyncCmdlet : PSCmdlet, IDisposable
{
    // The server store file (the same one the idsync CLI uses); $env:IDSYNC_STORE when not given.
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Store { get; set; }

    private IdSyncServer? _server;
    private volatile bool _running;
    private string? _storePath;

    protected string StorePath
    {
        get
        {
            if (_storePath is not null) return _storePath;
            string? store = Store ?? Environment.GetEnvironmentVariable("IDSYNC_STORE");
            if (string.IsNullOrEmpty(store))
                ThrowTerminatingError(new ErrorRecord(
                    new ArgumentException("No server store given: pass -Store PATH or set $env:IDSYNC_STORE " +
                                          "(create a store with `idsync config import` or Import-SyncServerConfiguration -Create)."),
                    "IdSyncNoStore", ErrorCategory.InvalidArgument, null));
            _storePath = SessionState.Path.GetUnresolvedProviderPathFromPSPath(store);
            return _storePath;
        }
    }

    // The open store; opened on first use. A store that does not exist ends the cmdlet.
    internal IdSyncServer Server => _server ??= Call(() => IdSyncServer.Open(StorePath), StorePath);

    // Runs one library call; a failure ends the cmdlet with the library's message.
    protected T Call<T>(Func<T> call, object? target)
    {
        try
        {
            return call();
        }
        catch (IdSyncException e)
        {
            ThrowTerminatingError(e.ToErrorRecord(target));
            throw;  // not reached: ThrowTerminatingError always throws
        }
        catch (EntryPointNotFoundException e)
        {
            ThrowTerminatingError(new ErrorRecord(new EntryPointNotFoundException(
                "the libidsync.so found is older than this module; reinstall the module with tools/setup/build.sh. " + e.Message, e),
                "IdSyncLibraryMismatch", ErrorCategory.NotInstalled, null));
            throw;
        }
        catch (DllNotFoundException e)
        {
            ThrowTerminatingError(new ErrorRecord(new DllNotFoundException(
                "libidsync.so was not found beside the module nor through IDSYNC_LIBRARY; reinstall the module with " +
                "tools/setup/build.sh. " + e.Message, e), "IdSyncLibraryNotFound", ErrorCategory.NotInstalled, null));
            throw;
        }
    }

    protected void Call(Action call, object? target) => Call(() => { call(); return 0; }, target);

    // A non-terminating error for one pipeline item; processing goes on with the next.
    protected bool TryCall(Action call, object? target)
    {
        try
        {
            call();
            return true;
        }
        catch (IdSyncException e)
        {
            WriteError(e.ToErrorRecord(target));
            return false;
        }
    }

    // Runs a cycle or run profile on a worker thread while this (pipeline) thread reports its
    // progress with Write-Progress, ending with Completed.
    internal (string? Json, IdSyncException? Error) RunWithProgress(string activity,
        Func<NativeMethods.ProgressCallback, (string?, IdSyncException?)> run)
    {
        _ = Server;  // opened here, on the pipeline thread, so that an open failure is reported as usual
        object gate = new();
        (string Connector, string Step, ulong Done, ulong Total)? latest = null;
        NativeMethods.ProgressCallback callback = (_, connector, step, done, total) =>
        {
            var p = (Marshal.PtrToStringUTF8(connector) ?? "", Marshal.PtrToStringUTF8(step) ?? "", done, total);
            lock (gate) latest = p;
        };
        _running = true;
        var task = Task.Run(() => run(callback));
        try
        {
            bool finished = false;
            while (!finished)
            {
                finished = task.Wait(250);
                (string Connector, string Step, ulong Done, ulong Total)? p;
                lock (gate) { p = latest; latest = null; }
                if (p is not { } v) continue;
                // A new record each time: the host may keep the ones it was given.
                WriteProgress(new ProgressRecord(1, activity, $"{v.Connector}: {v.Step}")
                {
                    CurrentOperation = v.Total > 0 ? $"{v.Done} of {v.Total} objects" : $"{v.Done} objects",
                    PercentComplete = v.Total > 0 ? (int)Math.Min(100, v.Done * 100 / v.Total) : -1,
                });
            }
            return task.GetAwaiter().GetResult();
        }
        finally
        {
            // When the pipeline stops (Ctrl+C), StopProcessing has asked the run to stop: wait for it,
            // since the handle must outlive the native call that uses it.
            try { task.Wait(); } catch (AggregateException) { }
            GC.KeepAlive(callback);  // native code held the delegate's function pointer until here
            _running = false;
            try
            {
                WriteProgress(new ProgressRecord(1, activity, "Done") { RecordType = ProgressRecordType.Completed });
            }
            catch (PipelineStoppedException)
            {
                // Stopping: no more output.
            }
        }
    }

    // Ctrl+C during a run: ask it, through a second handle, to stop at its next step boundary.
    protected override void StopProcessing()
    {
        if (!_running || _storePath is null) return;
        try
        {
            using IdSyncServer other = IdSyncServer.Open(_storePath);
            other.Stop();
        }
        catch (IdSyncException)
        {
            // The run may have just ended; nothing left to stop.
        }
    }

    // Connector name → configured GUID, for the ConnectorId fields of run results.
    internal IReadOnlyDictionary<string, string> ConnectorIds()
    {
        var ids = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var c in Json.Array(Json.Parse(Call(() => Server.Connectors(), null))))
            ids[Json.Str(c, "name")] = Json.Str(c, "id");
        return ids;
    }

    // A connector named by -ConnectorName, or by -ConnectorIdentifier (its configured GUID).
    internal string ResolveConnector(string? name, string? identifier)
    {
        if (!string.IsNullOrEmpty(name)) return name;
        if (!string.IsNullOrEmpty(identifier))
        {
            string wanted = identifier.Trim('{', '}');
            foreach (var (n, id) in ConnectorIds())
                if (string.Equals(id.Trim('{', '}'), wanted, StringComparison.OrdinalIgnoreCase) || string.Equals(n, identifier, StringComparison.OrdinalIgnoreCase))
                    return n;
            ThrowTerminatingError(new IdSyncException(2, $"no connector with identifier '{identifier}'; Get-SyncConnector lists them")
                .ToErrorRecord(identifier));
        }
        ThrowTerminatingError(new ErrorRecord(new ArgumentException("give -ConnectorName or -ConnectorIdentifier"),
            "IdSyncNoConnector", ErrorCategory.InvalidArgument, null));
        return "";
    }

    public void Dispose()
    {
        _server?.Dispose();
        _server = null;
        GC.SuppressFinalize(this);
    }
}
