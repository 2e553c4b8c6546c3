// The only place that P/Invokes libidsync.so (core/include/idsync/idsync.h). Everything else
// goes through IdSyncServer, which turns status codes into IdSyncException.
using System.Reflection;
using System.Runtime.InteropServices;

namespace IdSync.PowerShell.Native;

internal static class NativeMethods
{
    private const string Library = "idsync";

    internal const int OpenExisting = 0;
    internal const int OpenCreate = 1;
    internal const int PolicyDelta = 0;
    internal const int PolicyInitial = 1;
    internal const int RunForceExport = 1;

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    internal delegate void ProgressCallback(IntPtr user, IntPtr connector, IntPtr step, ulong done, ulong total);

    private static int _resolverSet;

    // Called by Import-Module (ModuleInitializer) before any P/Invoke is bound; once per process,
    // since Import-Module -Force loads the same assembly again.
    internal static void RegisterResolver()
    {
        if (Interlocked.Exchange(ref _resolverSet, 1) == 0)
            NativeLibrary.SetDllImportResolver(typeof(NativeMethods).Assembly, Resolve);
    }

    // libidsync.so is looked for beside this assembly (where the build installs it), then where
    // IDSYNC_LIBRARY points, then on the system's library path.
    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (name != Library) return IntPtr.Zero;
        var candidates = new List<string>();
        string? env = Environment.GetEnvironmentVariable("IDSYNC_LIBRARY");
        string? here = Path.GetDirectoryName(assembly.Location);
        if (!string.IsNullOrEmpty(here)) candidates.Add(Path.Combine(here, "libidsync.so"));
        if (!string.IsNullOrEmpty(env)) candidates.Add(env);
        foreach (string path in candidates)
            if (File.Exists(path) && NativeLibrary.TryLoad(path, out IntPtr handle)) return handle;
        return NativeLibrary.TryLoad("libidsync.so.0", assembly, searchPath, out IntPtr system) ? system : IntPtr.Zero;
    }

    [DllImport(Library)] internal static extern IntPtr idsync_version();
    [DllImport(Library)] internal static extern void idsync_free(IntPtr p);

    [DllImport(Library)]
    internal static extern int idsync_open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, out ServerHandle server);
    [DllImport(Library)] internal static extern void idsync_close(IntPtr server);
    [DllImport(Library)] internal static extern IntPtr idsync_errmsg(ServerHandle server);

    [DllImport(Library)]
    internal static extern int idsync_config_import(ServerHandle s, [MarshalAs(UnmanagedType.LPUTF8Str)] string json);
    [DllImport(Library)] internal static extern int idsync_config_export(ServerHandle s, out IntPtr json);

    [DllImport(Library)]
    internal static extern int idsync_run_profile_v2(ServerHandle s, [MarshalAs(UnmanagedType.LPUTF8Str)] string connector,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string runProfile, int flags, ProgressCallback? progress, IntPtr user, out IntPtr result);
    [DllImport(Library)]
    internal static extern int idsync_run_cycle(ServerHandle s, int policy, ProgressCallback? progress, IntPtr user, out IntPtr result);
    [DllImport(Library)] internal static extern int idsync_stop(ServerHandle s);
    [DllImport(Library)] internal static extern int idsync_running(ServerHandle s, out IntPtr what);
    [DllImport(Library)] internal static extern int idsync_status(ServerHandle s, out IntPtr json);

    [DllImport(Library)]
    internal static extern int idsync_run_history(ServerHandle s, [MarshalAs(UnmanagedType.LPUTF8Str)] string? connector,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string? result, long runId, long limit, out IntPtr json);
    [DllImport(Library)] internal static extern int idsync_purge_run_history(ServerHandle s, long beforeMs, out long removed);

    [DllImport(Library)]
    internal static extern int idsync_cs_object(ServerHandle s, [MarshalAs(UnmanagedType.LPUTF8Str)] string connector,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string key, out IntPtr json);
    [DllImport(Library)]
    internal static extern int idsync_cs_list(ServerHandle s, [MarshalAs(UnmanagedType.LPUTF8Str)] string connector,
        int pendingExportOnly, long limit, out IntPtr json);
    [DllImport(Library)] internal static extern int idsync_mv_object(ServerHandle s, ulong id, out IntPtr json);
    [DllImport(Library)]
    internal static extern int idsync_mv_list(ServerHandle s, [MarshalAs(UnmanagedType.LPUTF8Str)] string? objectType, long limit,
        out IntPtr json);

    [DllImport(Library)] internal static extern int idsync_deletion_threshold_get(ServerHandle s, out ulong count);
    [DllImport(Library)] internal static extern int idsync_deletion_threshold_set(ServerHandle s, ulong count);
    [DllImport(Library)] internal static extern int idsync_deletion_threshold_settings_get(ServerHandle s, out IntPtr json);
    [DllImport(Library)]
    internal static extern int idsync_deletion_threshold_settings_set(ServerHandle s, [MarshalAs(UnmanagedType.LPUTF8Str)] string changes);
    [DllImport(Library)] internal static extern int idsync_member_removal_limit_get(ServerHandle s, out IntPtr json);
    [DllImport(Library)]
    internal static extern int idsync_member_removal_limit_set(ServerHandle s, [MarshalAs(UnmanagedType.LPUTF8Str)] string changes);

    [DllImport(Library)] internal static extern int idsync_connector_list(ServerHandle s, out IntPtr json);
    [DllImport(Library)] internal static extern int idsync_scheduler_get(ServerHandle s, out IntPtr json);
    [DllImport(Library)]
    internal static extern int idsync_scheduler_set(ServerHandle s, [MarshalAs(UnmanagedType.LPUTF8Str)] string changes);
    [DllImport(Library)] internal static extern int idsync_staging_get(ServerHandle s, out int enabled);
    [DllImport(Library)] internal static extern int idsync_staging_set(ServerHandle s, int enabled);
    [DllImport(Library)]
    internal static extern int idsync_override_get(ServerHandle s, [MarshalAs(UnmanagedType.LPUTF8Str)] string connector,
        out int fullImport, out int fullSync);
    [DllImport(Library)]
    internal static extern int idsync_override_set(ServerHandle s, [MarshalAs(UnmanagedType.LPUTF8Str)] string connector,
        int fullImport, int fullSync);

    [DllImport(Library)] internal static extern int idsync_rule_list(ServerHandle s, out IntPtr json);
    [DllImport(Library)]
    internal static extern int idsync_rule_get(ServerHandle s, [MarshalAs(UnmanagedType.LPUTF8Str)] string idOrName, out IntPtr json);
    [DllImport(Library)]
    internal static extern int idsync_rule_put(ServerHandle s, [MarshalAs(UnmanagedType.LPUTF8Str)] string json, out IntPtr id);
    [DllImport(Library)]
    internal static extern int idsync_rule_remove(ServerHandle s, [MarshalAs(UnmanagedType.LPUTF8Str)] string id);

    [DllImport(Library)]
    internal static extern int idsync_csexport(ServerHandle s, [MarshalAs(UnmanagedType.LPUTF8Str)] string connector,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string file, [MarshalAs(UnmanagedType.LPUTF8Str)] string? filter,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string? sections, out IntPtr stats);
    [DllImport(Library)]
    internal static extern int idsync_pending_exports(ServerHandle s, [MarshalAs(UnmanagedType.LPUTF8Str)] string connector,
        out IntPtr csv);

    // Takes a string the library handed out and releases it.
    internal static string? TakeString(IntPtr p)
    {
        if (p == IntPtr.Zero) return null;
        try { return Marshal.PtrToStringUTF8(p); }
        finally { idsync_free(p); }
    }
}
