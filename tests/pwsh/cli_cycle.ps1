# Runs in real pwsh: drives the idsync CLI the way a scheduled task would and checks the result.
param([Parameter(Mandatory)] [string] $Idsync)
$ErrorActionPreference = 'Stop'
$dir = Join-Path ([System.IO.Path]::GetTempPath()) ("idsync-pwsh-" + [guid]::NewGuid())
try {
    $out = & $Idsync --no-progress demo --objects 500 --dir $dir
    if ($LASTEXITCODE -ne 0) { throw "idsync demo exited with $LASTEXITCODE`n$out" }
    if (-not ($out -match '^Delta cycle: Success')) { throw "no successful Delta cycle in the demo output:`n$out" }
    $env:IDSYNC_STORE = Join-Path $dir 'idsync.db'
    $runs = & $Idsync history --json | ConvertFrom-Json
    if ($runs.Count -lt 10) { throw "expected the demo's runs in the history, got $($runs.Count)" }
    $failed = $runs | Where-Object { $_.result -ne 'success' }
    if ($failed) { throw "runs that did not succeed: $($failed | ConvertTo-Json -Depth 5)" }
    Write-Output "pwsh: $($runs.Count) runs, all successful"
} finally {
    Remove-Item -Recurse -Force $dir -ErrorAction SilentlyContinue
}
