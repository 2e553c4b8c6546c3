# A script written against the ADSync names (adsync_script.ps1) runs unchanged in a separate pwsh
# and does what it says.
$ErrorActionPreference = 'Stop'
. "$PSScriptRoot/TestRunner.ps1"
. "$PSScriptRoot/Fixture.ps1"
Import-IdSyncUnderTest
$pwsh = (Get-Command pwsh -CommandType Application -ErrorAction Stop | Select-Object -First 1).Source
$srv = New-TestServer

try {
    # The ADSync rule adds mailNickname to the metaverse: the schema must know it.
    $config = Get-Content $srv.Config -Raw | ConvertFrom-Json
    $config.metaverse.attributes += [pscustomobject]@{ name = 'mailNickname' }
    $config | ConvertTo-Json -Depth 10 | Set-Content $srv.Config
    Import-SyncServerConfiguration -Store $srv.Store -Path $srv.Config -Create -Confirm:$false | Out-Null
    $env:PSModulePath = "$env:IDSYNC_PSMODULE_PATH$([IO.Path]::PathSeparator)$env:PSModulePath"
    $env:IDSYNC_STORE = $srv.Store

    Test 'the ADSync script runs unchanged and exits 0' {
        $out = & $pwsh -NoProfile -NonInteractive -File (Join-Path $PSScriptRoot 'adsync_script.ps1') 2>&1
        Assert-Equal 0 $LASTEXITCODE "output:`n$($out -join "`n")"
        $text = $out -join "`n"
        Assert-True ($text -match 'Interval: 00:30:00; next: Delta') $text
        Assert-True ($text -match 'DeletionPrevention: EnabledForCount, ThresholdCount: 500') $text
        Assert-True ($text -match 'Rule: In from HR - mail nickname \(Inbound, precedence 50\)') $text
        Assert-True ($text -match 'Cycle: Success') $text
        Assert-True ($text -match 'Run: Delta Import success') $text
        Assert-True ($text -match 'Last: #\d+ Delta Import success') $text
        Assert-True ($text -match 'MV: Ann Lee mailNickname=ann') $text
        Assert-True ($text -match 'done') $text
    }

    Test 'the script left the server as it says' {
        Assert-Equal $true (Get-SyncScheduler).SyncCycleEnabled
        Assert-Equal 'Disabled' (Get-SyncExportDeletionThreshold).DeletionPrevention
        Assert-Equal @('In from HR', 'Out to cloud') (Get-SyncRule).Name
        Assert-Equal $false (Get-SyncSchedulerConnectorOverride -ConnectorName hr).FullSyncRequired
    }
} finally {
    $env:IDSYNC_STORE = $null
    Remove-TestServer $srv
}
Complete-Tests
