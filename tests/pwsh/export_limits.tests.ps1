# The export limits from PowerShell in real pwsh against a throwaway server: the deletion
# threshold in full (count and percentage) and the group member-removal limit; -WhatIf changes
# nothing, refused values change nothing, and what PowerShell sets is what the idsync CLI shows.
param([Parameter(Mandatory)] [string] $Idsync)
$ErrorActionPreference = 'Stop'
. "$PSScriptRoot/TestRunner.ps1"
. "$PSScriptRoot/Fixture.ps1"
Import-IdSyncUnderTest
$srv = New-TestServer
$S = @{ Store = $srv.Store }

# `idsync <args> --store STORE` parsed from its JSON output.
function Invoke-IdsyncJson([string[]] $Arguments) {
    $errFile = Join-Path $srv.Dir 'idsync.err'
    $out = & $Idsync --store $srv.Store @Arguments 2>$errFile
    if ($LASTEXITCODE -ne 0) { throw "idsync $Arguments exited with ${LASTEXITCODE}: $out $(Get-Content -Raw $errFile)" }
    ($out -join "`n") | ConvertFrom-Json
}

try {
    Import-SyncServerConfiguration @S -Path $srv.Config -Create -Confirm:$false | Out-Null

    Test 'Get-SyncExportDeletionThreshold shows the defaults with the ADSync names' {
        $t = Get-ADSyncExportDeletionThreshold @S
        Assert-Equal 'IdSync.PowerShell.ExportDeletionThreshold' $t.GetType().FullName
        Assert-Equal @('DeletionPrevention', 'ThresholdPercentage', 'ThresholdCount') @($t.PSObject.Properties.Name)
        Assert-Equal 'EnabledForCount' $t.DeletionPrevention
        Assert-Equal 500 $t.ThresholdCount
        Assert-Equal 0 $t.ThresholdPercentage
        $text = ($t | Out-String)
        Assert-True ($text -match 'DeletionPrevention\s*:\s*EnabledForCount') $text
    }

    Test 'Enable-SyncExportDeletionThreshold -ThresholdPercentage: EnabledForPercentage, the count kept; the CLI sees it' {
        Enable-SyncExportDeletionThreshold @S -ThresholdPercentage 10 -WhatIf
        Assert-Equal 'EnabledForCount' (Get-SyncExportDeletionThreshold @S).DeletionPrevention
        $t = Enable-SyncExportDeletionThreshold @S -ThresholdPercentage 10
        Assert-Equal 'EnabledForPercentage' $t.DeletionPrevention
        Assert-Equal 10 $t.ThresholdPercentage
        Assert-Equal 500 $t.ThresholdCount
        $cli = Invoke-IdsyncJson @('threshold', 'show')
        Assert-Equal 'EnabledForPercentage' $cli.DeletionPrevention
        Assert-Equal 10 $cli.ThresholdPercentage
        Assert-Equal 500 $cli.ThresholdCount
    }

    Test 'Enable-SyncExportDeletionThreshold -DeletionThreshold: EnabledForCount, the percentage kept; the CLI sees it' {
        Enable-ADSyncExportDeletionThreshold @S -DeletionThreshold 42 -WhatIf
        Assert-Equal 'EnabledForPercentage' (Get-SyncExportDeletionThreshold @S).DeletionPrevention
        $t = Enable-ADSyncExportDeletionThreshold @S -DeletionThreshold 42
        Assert-Equal 'EnabledForCount' $t.DeletionPrevention
        Assert-Equal 42 $t.ThresholdCount
        Assert-Equal 10 $t.ThresholdPercentage
        $cli = Invoke-IdsyncJson @('threshold', 'show')
        Assert-Equal 'EnabledForCount' $cli.DeletionPrevention
        Assert-Equal 42 $cli.ThresholdCount
    }

    Test 'a threshold set by the CLI is what Get-SyncExportDeletionThreshold shows' {
        Invoke-IdsyncJson @('threshold', 'enable', '--percentage', '25') | Out-Null
        $t = Get-SyncExportDeletionThreshold @S
        Assert-Equal 'EnabledForPercentage' $t.DeletionPrevention
        Assert-Equal 25 $t.ThresholdPercentage
        Assert-Equal 42 $t.ThresholdCount
    }

    Test 'Enable-SyncExportDeletionThreshold refuses a percentage outside 1..100 and both forms at once, changing nothing' {
        Assert-Error 'ParameterArgumentValidationError' { Enable-SyncExportDeletionThreshold @S -ThresholdPercentage 101 } | Out-Null
        Assert-Error 'ParameterArgumentValidationError' { Enable-SyncExportDeletionThreshold @S -ThresholdPercentage 0 } | Out-Null
        Assert-Error 'ParameterArgumentValidationError' { Enable-SyncExportDeletionThreshold @S -DeletionThreshold 0 } | Out-Null
        Assert-Error 'AmbiguousParameterSet' { Enable-SyncExportDeletionThreshold @S -DeletionThreshold 5 -ThresholdPercentage 5 } | Out-Null
        $t = Get-SyncExportDeletionThreshold @S
        Assert-Equal 'EnabledForPercentage' $t.DeletionPrevention
        Assert-Equal 25 $t.ThresholdPercentage
        Assert-Equal 42 $t.ThresholdCount
    }

    Test 'over the percentage an export stops; Disable keeps the values and lets it through' {
        Assert-Equal 'Success' (Start-SyncCycle @S -PolicyType Initial).Result  # provisions ann and bo to cloud
        Assert-Equal 2 @(Get-SyncCSObject @S -ConnectorName cloud).Count
        # Emptying the source deletes both cloud objects: 100% of the connector space, over 25%.
        Set-TestSource $srv @()
        $r = Start-SyncCycle @S -PolicyType Initial -ErrorAction SilentlyContinue -ErrorVariable e
        Assert-Equal 'Failed' $r.Result
        Assert-True ($r.RunResults.Result -contains 'stopped-deletion-threshold-exceeded') ($r.RunResults.Result -join ',')
        Assert-True ($e[0].FullyQualifiedErrorId -like 'IdSyncStopped,*') $e[0].FullyQualifiedErrorId
        # 2 deletes are far below the kept ThresholdCount of 42: the percentage stopped the export.
        $export = $r.RunResults | Where-Object { $_.Result -eq 'stopped-deletion-threshold-exceeded' }
        Assert-Equal 'cloud' $export.ConnectorName
        Assert-Equal 2 $export.RunStepResults[0].Counters['export-delete-pending']
        Assert-Equal 2 @(Get-SyncCSObject @S -ConnectorName cloud).Count
        Disable-SyncExportDeletionThreshold @S -WhatIf
        Assert-Equal 'EnabledForPercentage' (Get-SyncExportDeletionThreshold @S).DeletionPrevention
        $t = Disable-ADSyncExportDeletionThreshold @S -Confirm:$false
        Assert-Equal 'Disabled' $t.DeletionPrevention
        Assert-Equal 25 $t.ThresholdPercentage
        Assert-Equal 42 $t.ThresholdCount
        Assert-Equal 'Disabled' (Invoke-IdsyncJson @('threshold', 'show')).DeletionPrevention
        Assert-Equal 'Success' (Start-SyncCycle @S -PolicyType Initial).Result
        Assert-Equal 0 @(Get-SyncCSObject @S -ConnectorName cloud).Count
        Enable-SyncExportDeletionThreshold @S | Out-Null
        Assert-Equal 500 (Get-SyncExportDeletionThreshold @S).ThresholdCount
    }

    Test 'Get-SyncGroupMemberRemovalLimit shows the defaults' {
        $l = Get-SyncGroupMemberRemovalLimit @S
        Assert-Equal 'IdSync.PowerShell.GroupMemberRemovalLimit' $l.GetType().FullName
        Assert-Equal @('Enabled', 'ThresholdCount', 'ThresholdPercentage', 'MinimumGroupSize') @($l.PSObject.Properties.Name)
        Assert-Equal $true $l.Enabled
        Assert-Equal 500 $l.ThresholdCount
        Assert-Equal 50 $l.ThresholdPercentage
        Assert-Equal 100 $l.MinimumGroupSize
        $text = ($l | Out-String)
        Assert-True ($text -match 'MinimumGroupSize\s*:\s*100') $text
        Assert-True ($null -eq (Get-Alias -Definition Get-SyncGroupMemberRemovalLimit -ErrorAction SilentlyContinue)) 'no ADSync alias'
    }

    Test 'Enable-SyncGroupMemberRemovalLimit -WhatIf changes nothing; then changes only what is given; the CLI sees it' {
        Enable-SyncGroupMemberRemovalLimit @S -ThresholdCount 20 -MinimumGroupSize 10 -WhatIf
        Assert-Equal 500 (Get-SyncGroupMemberRemovalLimit @S).ThresholdCount
        $l = Enable-SyncGroupMemberRemovalLimit @S -ThresholdCount 20 -MinimumGroupSize 10
        Assert-Equal 20 $l.ThresholdCount
        Assert-Equal 10 $l.MinimumGroupSize
        Assert-Equal 50 $l.ThresholdPercentage
        $cli = Invoke-IdsyncJson @('member-limit', 'show')
        Assert-Equal $true $cli.Enabled
        Assert-Equal 20 $cli.ThresholdCount
        Assert-Equal 50 $cli.ThresholdPercentage
        Assert-Equal 10 $cli.MinimumGroupSize
    }

    Test 'Enable-SyncGroupMemberRemovalLimit refuses a limit of nothing and a percentage above 100, changing nothing' {
        $r = Assert-Error 'IdSyncInvalidArgument' { Enable-SyncGroupMemberRemovalLimit @S -ThresholdCount 0 -ThresholdPercentage 0 } -Category InvalidArgument
        Assert-True ($r.Exception.Message -match 'disable the limit instead') $r.Exception.Message
        Assert-Error 'ParameterArgumentValidationError' { Enable-SyncGroupMemberRemovalLimit @S -ThresholdPercentage 101 } | Out-Null
        $l = Get-SyncGroupMemberRemovalLimit @S
        Assert-Equal 20 $l.ThresholdCount
        Assert-Equal 50 $l.ThresholdPercentage
        Assert-Equal 10 $l.MinimumGroupSize
    }

    Test 'Disable-SyncGroupMemberRemovalLimit: -WhatIf changes nothing; disabling keeps the values; Enable restores them' {
        Disable-SyncGroupMemberRemovalLimit @S -WhatIf
        Assert-Equal $true (Get-SyncGroupMemberRemovalLimit @S).Enabled
        $l = Disable-SyncGroupMemberRemovalLimit @S -Confirm:$false
        Assert-Equal $false $l.Enabled
        Assert-Equal 20 $l.ThresholdCount
        Assert-Equal $false (Invoke-IdsyncJson @('member-limit', 'show')).Enabled
        $l = Enable-SyncGroupMemberRemovalLimit @S
        Assert-Equal $true $l.Enabled
        Assert-Equal 20 $l.ThresholdCount
        Assert-Equal 10 $l.MinimumGroupSize
    }

    Test 'a member limit set by the CLI is what Get-SyncGroupMemberRemovalLimit shows' {
        Invoke-IdsyncJson @('member-limit', 'enable', '--count', '7', '--percentage', '30', '--min-members', '40') | Out-Null
        $l = Get-SyncGroupMemberRemovalLimit @S
        Assert-Equal 7 $l.ThresholdCount
        Assert-Equal 30 $l.ThresholdPercentage
        Assert-Equal 40 $l.MinimumGroupSize
    }
} finally {
    Remove-TestServer $srv
}
Complete-Tests
