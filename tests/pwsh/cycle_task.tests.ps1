# The scheduled-task way: `pwsh -NonInteractive -File cycle.ps1` in a separate process runs a
# Delta cycle and its exit code tells the scheduler whether it worked.
$ErrorActionPreference = 'Stop'
. "$PSScriptRoot/TestRunner.ps1"
. "$PSScriptRoot/Fixture.ps1"
Import-IdSyncUnderTest
$cycleScript = Join-Path $PSScriptRoot '../../psmodule/examples/cycle.ps1'
$pwsh = (Get-Command pwsh -CommandType Application -ErrorAction Stop | Select-Object -First 1).Source
$srv = New-TestServer

# Runs cycle.ps1 as a scheduled task would; returns exit code, standard output and error.
function Invoke-CycleTask([string[]] $Arguments) {
    $out = Join-Path $srv.Dir 'task.out'; $err = Join-Path $srv.Dir 'task.err'
    $p = Start-Process -FilePath $pwsh -ArgumentList (@('-NoProfile', '-NonInteractive', '-File', $cycleScript) + $Arguments) `
        -RedirectStandardOutput $out -RedirectStandardError $err -Wait -PassThru
    [pscustomobject]@{ ExitCode = $p.ExitCode; Out = (Get-Content $out -Raw) + ''; Err = (Get-Content $err -Raw) + '' }
}

try {
    Import-SyncServerConfiguration -Store $srv.Store -Path $srv.Config -Create -Confirm:$false | Out-Null
    # The module must be found by name, as in a real task: the build's copy first on the path.
    $env:PSModulePath = "$env:IDSYNC_PSMODULE_PATH$([IO.Path]::PathSeparator)$env:PSModulePath"

    Test 'an Initial cycle through the task script (-Store) exits 0' {
        $r = Invoke-CycleTask @('-Store', $srv.Store, '-PolicyType', 'Initial')
        Assert-Equal 0 $r.ExitCode "stderr: $($r.Err)"
        Assert-True ($r.Out -match 'Initial sync cycle: Success') $r.Out
        Assert-True ($r.Out -match 'hr / Full Import: success') $r.Out
    }

    Test 'a Delta cycle with the store from IDSYNC_STORE exits 0 and is in the run history' {
        $env:IDSYNC_STORE = $srv.Store
        try { $r = Invoke-CycleTask @() } finally { $env:IDSYNC_STORE = $null }
        Assert-Equal 0 $r.ExitCode "stderr: $($r.Err)"
        Assert-True ($r.Out -match 'Delta sync cycle: Success') $r.Out
        Assert-Equal 'Export' (Get-SyncRunProfileResult -Store $srv.Store -NumberRequested 1).RunProfileName
    }

    Test 'a cycle that fails (deletion threshold) exits 1 and says why' {
        Enable-SyncExportDeletionThreshold -Store $srv.Store -DeletionThreshold 1 | Out-Null
        Set-TestSource $srv @()
        $r = Invoke-CycleTask @('-Store', $srv.Store, '-PolicyType', 'Initial')
        Assert-Equal 1 $r.ExitCode
        Assert-True ($r.Err -match 'Failed') $r.Err
        Assert-True ($r.Out -match 'stopped-deletion-threshold-exceeded') $r.Out
    }

    Test 'a store that does not exist exits 1 naming the store' {
        $r = Invoke-CycleTask @('-Store', (Join-Path $srv.Dir 'nope.db'))
        Assert-Equal 1 $r.ExitCode
        Assert-True ($r.Err -match 'nope\.db' -and $r.Err -match 'IdSyncNotFound') $r.Err
    }

    Test 'no store at all exits 1 with IdSyncNoStore' {
        $r = Invoke-CycleTask @()
        Assert-Equal 1 $r.ExitCode
        Assert-True ($r.Err -match 'IdSyncNoStore') $r.Err
    }
} finally {
    Remove-TestServer $srv
}
Complete-Tests
