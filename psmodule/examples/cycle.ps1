# Runs one sync cycle, for a scheduled task, cron job or systemd timer:
#   pwsh -NonInteractive -File cycle.ps1 [-Store /var/lib/idsync/idsync.db] [-PolicyType Delta|Initial]
# The store defaults to $env:IDSYNC_STORE. Prints one line per run; exits 0 when the cycle
# succeeded and 1 when it failed or could not start (the reason on standard error), so the
# scheduler that started it can alert.
param(
    [string] $Store = $env:IDSYNC_STORE,
    [ValidateSet('Delta', 'Initial')] [string] $PolicyType = 'Delta'
)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
try {
    Import-Module IdSync
    $storeArgs = @{}
    if ($Store) { $storeArgs.Store = $Store }
    $cycle = Start-SyncCycle @storeArgs -PolicyType $PolicyType -ErrorAction SilentlyContinue -ErrorVariable cycleErrors
    foreach ($run in $cycle.RunResults) {
        Write-Output ('{0} / {1}: {2}' -f $run.ConnectorName, $run.RunProfileName, $run.Result)
    }
    if ($cycle.Result -ne 'Success') {
        $why = ($cycleErrors | ForEach-Object { $_.Exception.Message }) -join '; '
        [Console]::Error.WriteLine("$PolicyType sync cycle: $($cycle.Result). $why")
        exit 1
    }
    Write-Output "$PolicyType sync cycle: Success"
    exit 0
} catch {
    [Console]::Error.WriteLine("$PolicyType sync cycle could not run: $($_.Exception.Message) [$($_.FullyQualifiedErrorId)]")
    exit 1
}
