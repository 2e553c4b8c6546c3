# A small test runner for the PowerShell tests (Pester is not installed by the setup): Test
# blocks with real assertions, one line per test, and "N passed, M failed" at the end; the
# exit code is non-zero when any test failed. Dot-source it, write Test blocks, call Complete-Tests.
$script:Passed = 0
$script:Failed = 0
$script:Failures = [System.Collections.Generic.List[string]]::new()

function Test([string] $Name, [scriptblock] $Body) {
    try {
        & $Body
        $script:Passed++
        Write-Host "ok   $Name"
    } catch {
        $script:Failed++
        $where = $_.InvocationInfo.PositionMessage
        $script:Failures.Add("$Name`n    $($_.Exception.Message)`n    $where")
        Write-Host "FAIL $Name`n    $($_.Exception.Message)`n    $where"
    }
}

function Assert-True($Condition, [string] $Message = 'expected a true condition') {
    if (-not $Condition) { throw "assertion failed: $Message" }
}

function Assert-Equal($Expected, $Actual, [string] $Message = '') {
    if ($Expected -is [array] -or $Actual -is [array]) {
        $e = @($Expected) -join "`u{1f}"; $a = @($Actual) -join "`u{1f}"
        if ($e -cne $a) { throw "expected @($(@($Expected) -join ', ')) but got @($(@($Actual) -join ', ')) $Message" }
        return
    }
    if ($Expected -cne $Actual) { throw "expected '$Expected' but got '$Actual' $Message" }
}

# Runs $Body and returns the ErrorRecord it raised (terminating or not); fails when none came or
# when its FullyQualifiedErrorId does not start with $ErrorId.
function Assert-Error([string] $ErrorId, [scriptblock] $Body, [System.Management.Automation.ErrorCategory] $Category) {
    $record = $null
    $ErrorActionPreference = 'Stop'  # seen by $Body (dynamic scope): non-terminating errors throw too
    try {
        $null = & $Body
    } catch {
        $record = $_
    }
    if ($null -eq $record) { throw "expected an error $ErrorId, but none was raised" }
    if (-not $record.FullyQualifiedErrorId.StartsWith($ErrorId)) {
        throw "expected error id $ErrorId, got $($record.FullyQualifiedErrorId): $($record.Exception.Message)"
    }
    if ($PSBoundParameters.ContainsKey('Category') -and $record.CategoryInfo.Category -ne $Category) {
        throw "expected category $Category, got $($record.CategoryInfo.Category)"
    }
    $record
}

function Complete-Tests {
    Write-Host ''
    foreach ($f in $script:Failures) { Write-Host "FAILED: $f" }
    Write-Host "$script:Passed passed, $script:Failed failed"
    exit ([int]($script:Failed -gt 0 -or $script:Passed -eq 0))
}
