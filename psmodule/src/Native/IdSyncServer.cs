using System.Runtime.InteropServices;

namespace IdSync.PowerShell.Native;

// One open store: each method is one idsync_* call; a failure becomes an IdSyncException with
// the library's message. Used by one thread at a time (idsync.h convention 6).
internal sealed class IdSyncServer : IDisposable
{
    private readonly ServerHandle _handle;

    public string StorePath { get; }

    private IdSyncServer(ServerHandle handle, string path)
    {
        _handle = handle;
        StorePath = path;
    }

    // Opens the store; `create` makes the file when it does not exist (IDSYNC_OPEN_CREATE).
    public static IdSyncServer Open(string path, bool create = false)
    {
        int rc = NativeMethods.idsync_open(path, create ? NativeMethods.OpenCreate : NativeMethods.OpenExisting, out ServerHandle handle);
        if (rc != 0)
        {
            string message = handle.IsInvalid ? "out of memory" : Marshal.PtrToStringUTF8(NativeMethods.idsync_errmsg(handle)) ?? "";
            handle.Dispose();
            throw new IdSyncException(rc, message);
        }
        return new IdSyncServer(handle, path);
    }

    public static string Version => Marshal.PtrToStringUTF8(NativeMethods.idsync_version()) ?? "";

    public void Dispose() => _handle.Dispose();

    private void Check(int rc)
    {
        if (rc != 0) throw new IdSyncException(rc, Marshal.PtrToStringUTF8(NativeMethods.idsync_errmsg(_handle)) ?? "");
    }

    // For calls that hand out a string: the string, or the error.
    private string Take(int rc, IntPtr p)
    {
        string? s = NativeMethods.TakeString(p);
        Check(rc);
        return s ?? "";
    }

    // Runs hand out their record even when they stop (IDSYNC_ESTOPPED): the caller gets both.
    public (string? Json, IdSyncException? Error) RunCycle(bool initial, NativeMethods.ProgressCallback? progress)
    {
        int rc = NativeMethods.idsync_run_cycle(_handle, initial ? NativeMethods.PolicyInitial : NativeMethods.PolicyDelta,
            progress, IntPtr.Zero, out IntPtr p);
        return Finish(rc, p);
    }

    public (string? Json, IdSyncException? Error) RunProfile(string connector, string runProfile, bool forceExport,
        NativeMethods.ProgressCallback? progress)
    {
        int rc = NativeMethods.idsync_run_profile_v2(_handle, connector, runProfile, forceExport ? NativeMethods.RunForceExport : 0,
            progress, IntPtr.Zero, out IntPtr p);
        return Finish(rc, p);
    }

    private (string?, IdSyncException?) Finish(int rc, IntPtr p)
    {
        string? json = NativeMethods.TakeString(p);
        IdSyncException? error = rc == 0 ? null
            : new IdSyncException(rc, Marshal.PtrToStringUTF8(NativeMethods.idsync_errmsg(_handle)) ?? "");
        return (json, error);
    }

    public void Stop() => Check(NativeMethods.idsync_stop(_handle));
    public string Running() => Take(NativeMethods.idsync_running(_handle, out IntPtr p), p);
    public string Status() => Take(NativeMethods.idsync_status(_handle, out IntPtr p), p);

    public string ConfigurationExport() => Take(NativeMethods.idsync_config_export(_handle, out IntPtr p), p);
    public void ConfigurationImport(string json) => Check(NativeMethods.idsync_config_import(_handle, json));

    public string RunHistory(string? connector, string? result, long runId, long limit) =>
        Take(NativeMethods.idsync_run_history(_handle, connector, result, runId, limit, out IntPtr p), p);

    public long PurgeRunHistory(long beforeMs)
    {
        Check(NativeMethods.idsync_purge_run_history(_handle, beforeMs, out long removed));
        return removed;
    }

    public string CsObject(string connector, string key) => Take(NativeMethods.idsync_cs_object(_handle, connector, key, out IntPtr p), p);
    public string CsList(string connector, bool pendingExportOnly, long limit) =>
        Take(NativeMethods.idsync_cs_list(_handle, connector, pendingExportOnly ? 1 : 0, limit, out IntPtr p), p);
    public string MvObject(ulong id) => Take(NativeMethods.idsync_mv_object(_handle, id, out IntPtr p), p);
    public string MvList(string? objectType, long limit) => Take(NativeMethods.idsync_mv_list(_handle, objectType, limit, out IntPtr p), p);

    public ulong DeletionThreshold()
    {
        Check(NativeMethods.idsync_deletion_threshold_get(_handle, out ulong count));
        return count;
    }
    public void SetDeletionThreshold(ulong count) => Check(NativeMethods.idsync_deletion_threshold_set(_handle, count));
    // The export limits in full as JSON (idsync.h); set takes only the fields to change.
    public string DeletionThresholdSettings() => Take(NativeMethods.idsync_deletion_threshold_settings_get(_handle, out IntPtr p), p);
    public void SetDeletionThresholdSettings(string changes) =>
        Check(NativeMethods.idsync_deletion_threshold_settings_set(_handle, changes));
    public string MemberRemovalLimit() => Take(NativeMethods.idsync_member_removal_limit_get(_handle, out IntPtr p), p);
    public void SetMemberRemovalLimit(string changes) => Check(NativeMethods.idsync_member_removal_limit_set(_handle, changes));

    public string Connectors() => Take(NativeMethods.idsync_connector_list(_handle, out IntPtr p), p);
    public string Scheduler() => Take(NativeMethods.idsync_scheduler_get(_handle, out IntPtr p), p);
    public void SetScheduler(string changes) => Check(NativeMethods.idsync_scheduler_set(_handle, changes));

    public bool StagingMode()
    {
        Check(NativeMethods.idsync_staging_get(_handle, out int enabled));
        return enabled != 0;
    }
    public void SetStagingMode(bool enabled) => Check(NativeMethods.idsync_staging_set(_handle, enabled ? 1 : 0));

    public (bool FullImport, bool FullSync) Override(string connector)
    {
        Check(NativeMethods.idsync_override_get(_handle, connector, out int import, out int sync));
        return (import != 0, sync != 0);
    }
    public void SetOverride(string connector, bool fullImport, bool fullSync) =>
        Check(NativeMethods.idsync_override_set(_handle, connector, fullImport ? 1 : 0, fullSync ? 1 : 0));

    public string Rules() => Take(NativeMethods.idsync_rule_list(_handle, out IntPtr p), p);
    public string Rule(string idOrName) => Take(NativeMethods.idsync_rule_get(_handle, idOrName, out IntPtr p), p);
    public string PutRule(string json) => Take(NativeMethods.idsync_rule_put(_handle, json, out IntPtr p), p);
    public void RemoveRule(string id) => Check(NativeMethods.idsync_rule_remove(_handle, id));

    public string CsExport(string connector, string file, string? filter, string? sections) =>
        Take(NativeMethods.idsync_csexport(_handle, connector, file, filter, sections, out IntPtr p), p);
    public string PendingExports(string connector) => Take(NativeMethods.idsync_pending_exports(_handle, connector, out IntPtr p), p);
}
