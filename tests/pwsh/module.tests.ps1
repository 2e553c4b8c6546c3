# Every cmdlet of the IdSync module in real pwsh against a throwaway server: outputs and their
# documented property names, -WhatIf changing nothing, errors as ErrorRecords with stable ids.
$ErrorActionPreference = 'Stop'
. "$PSScriptRoot/TestRunner.ps1"
. "$PSScriptRoot/Fixture.ps1"
Import-IdSyncUnderTest
$srv = New-TestServer
$S = @{ Store = $srv.Store }

try {
    Test 'the manifest exports every cmdlet and ADSync alias it lists' {
        $m = Get-Module IdSync
        Assert-Equal 31 $m.ExportedCmdlets.Count
        Assert-Equal 23 $m.ExportedAliases.Count
        foreach ($a in $m.ExportedAliases.Values) {
            $expected = $a.Name -replace '-ADSync', '-Sync' -replace 'SyncSyncCycle', 'SyncCycle'
            Assert-True ($a.Definition -eq $expected) "$($a.Name) → $($a.Definition)"
        }
        Assert-True ($m.ExportedFormatFiles.Count -eq 1) 'format file loaded'
    }

    Test 'Get-Help shows a synopsis, parameter help and an example for every cmdlet' {
        foreach ($name in (Get-Module IdSync).ExportedCmdlets.Keys) {
            $h = Get-Help $name -Full
            Assert-True ($h.Synopsis -and $h.Synopsis -notmatch '^\s*\S+ \[') "$name has no synopsis: $($h.Synopsis)"
            Assert-True (@($h.examples.example).Count -ge 1) "$name has no example"
            foreach ($p in @($h.parameters.parameter)) { Assert-True ("$($p.description.Text)".Length -gt 0) "$name -$($p.name) has no help" }
        }
        Assert-True ((Get-Help Start-ADSyncSyncCycle).Name -eq 'Start-SyncCycle') 'help through the ADSync alias'
    }

    Test 'no store given is an IdSyncNoStore error' {
        $env:IDSYNC_STORE = $null
        Assert-Error 'IdSyncNoStore' { Get-SyncScheduler } -Category InvalidArgument | Out-Null
    }

    Test 'a store that does not exist is IdSyncNotFound naming the file' {
        $r = Assert-Error 'IdSyncNotFound' { Get-SyncScheduler -Store (Join-Path $srv.Dir 'missing.db') } -Category ObjectNotFound
        Assert-True ($r.Exception.Message -match 'missing\.db') $r.Exception.Message
    }

    Test 'Import-SyncServerConfiguration -WhatIf creates nothing' {
        Import-SyncServerConfiguration @S -Path $srv.Config -Create -WhatIf
        Assert-True (-not (Test-Path $srv.Store)) 'the store was created despite -WhatIf'
    }

    Test 'Import-SyncServerConfiguration -Create imports and returns the connectors' {
        $c = Import-SyncServerConfiguration @S -Path $srv.Config -Create -Confirm:$false
        Assert-Equal @('hr', 'cloud') $c.Name
        Assert-True (Test-Path $srv.Store) 'store created'
    }

    Test 'a malformed configuration is refused with IdSyncParseError and changes nothing' {
        Assert-Error 'IdSyncParseError' { Import-SyncServerConfiguration @S -Json '{ not json' -Confirm:$false } -Category ParserError | Out-Null
        Assert-Equal 2 @(Get-SyncConnector @S).Count
    }

    Test 'IDSYNC_STORE names the store when -Store is not given' {
        $env:IDSYNC_STORE = $srv.Store
        try { Assert-Equal 'Delta' (Get-SyncScheduler).NextSyncCyclePolicyType } finally { $env:IDSYNC_STORE = $null }
    }

    Test 'Get-SyncConnector lists connectors with run profiles; -Name and -Identifier find one' {
        $all = Get-SyncConnector @S
        Assert-Equal @('hr', 'cloud') $all.Name
        Assert-True ($all[0].RunProfiles.Name -contains 'Delta Synchronization') 'standard run profiles'
        Assert-Equal 'hr' (Get-SyncConnector @S -Identifier '11111111-2222-3333-4444-555555555555').Name
        Assert-Equal 'cloud' (Get-ADSyncConnector @S -Name CLOUD).Name
        Assert-Error 'IdSyncNotFound' { Get-SyncConnector @S -Name nope } | Out-Null
    }

    Test 'Start-SyncCycle -PolicyType Initial -WhatIf runs nothing' {
        Start-SyncCycle @S -PolicyType Initial -WhatIf
        Assert-Equal 0 @(Get-SyncRunProfileResult @S).Count
    }

    Test 'Start-SyncCycle -PolicyType Initial returns Result Success with every run' {
        $r = Start-SyncCycle @S -PolicyType Initial
        Assert-Equal 'IdSync.PowerShell.SyncCycleResult' $r.GetType().FullName
        Assert-Equal 'Success' $r.Result
        Assert-Equal 'Initial' $r.PolicyType
        Assert-True ($r.RunResults.Count -ge 6) "runs: $($r.RunResults.Count)"
        Assert-True (@($r.RunResults | Where-Object Result -ne 'success').Count -eq 0) 'every run succeeded'
        $hr = $r.RunResults | Where-Object { $_.ConnectorName -eq 'hr' -and $_.RunProfileName -eq 'Full Import' }
        Assert-Equal '{11111111-2222-3333-4444-555555555555}' $hr.ConnectorId
        Assert-Equal 2 $hr.RunStepResults[0].StageAdd
    }

    Test 'Start-SyncCycle writes progress ending with Completed' {
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript("Import-Module '$((Get-Module IdSync).Path)'; Start-SyncCycle -Store '$($srv.Store)' -PolicyType Delta")
            $out = $ps.Invoke()
            Assert-Equal 'Success' $out[0].Result
            $records = @($ps.Streams.Progress)
            Assert-True ($records.Count -ge 2) "progress records: $($records.Count)"
            Assert-True (@($records | Where-Object StatusDescription -match '^(hr|cloud): (Delta|Export)').Count -ge 1) 'a step was reported'
            Assert-Equal 'Completed' $records[-1].RecordType.ToString()
        } finally { $ps.Dispose() }
    }

    Test 'Get-SyncRunProfileResult: newest first, documented fields, filters' {
        $runs = @(Get-SyncRunProfileResult @S)
        Assert-True ($runs.Count -ge 12) "runs: $($runs.Count)"
        Assert-True ($runs[0].RunHistoryId -gt $runs[-1].RunHistoryId) 'newest first'
        foreach ($p in 'RunHistoryId', 'ConnectorId', 'ConnectorName', 'RunProfileName', 'RunNumber', 'Result', 'StartDate', 'EndDate', 'RunStepResults', 'IsRunComplete', 'TotalSteps') {
            Assert-True ($runs[0].PSObject.Properties.Name -contains $p) "property $p"
        }
        Assert-Equal 1 @(Get-SyncRunProfileResult @S -NumberRequested 1).Count
        Assert-True (@(Get-SyncRunProfileResult @S -ConnectorName hr | Where-Object ConnectorName -ne 'hr').Count -eq 0) 'connector filter'
        $one = Get-SyncRunProfileResult @S -RunHistoryId $runs[3].RunHistoryId
        Assert-Equal $runs[3].RunProfileName $one.RunProfileName
        Assert-Equal 0 @(Get-SyncRunProfileResult @S -Result 'stopped-server-down').Count
    }

    Test 'Invoke-SyncRunProfile runs a profile and returns its record; -WhatIf runs nothing' {
        $before = (Get-SyncRunProfileResult @S -NumberRequested 1).RunHistoryId
        Invoke-SyncRunProfile @S -ConnectorName hr -RunProfileName 'Delta Import' -WhatIf
        Assert-Equal $before (Get-SyncRunProfileResult @S -NumberRequested 1).RunHistoryId
        $r = Invoke-SyncRunProfile @S -ConnectorName hr -RunProfileName 'Delta Import'
        Assert-Equal 'success' $r.Result
        Assert-Equal 'Delta Import' $r.RunStepResults[0].StepType
        Assert-True ($r.RunHistoryId -gt $before) 'a new record'
        $byId = Invoke-SyncRunProfile @S -ConnectorIdentifier '{11111111-2222-3333-4444-555555555555}' -RunProfileName 'Delta Synchronization'
        Assert-Equal 'hr' $byId.ConnectorName
    }

    Test 'connectors pipe into Invoke-SyncRunProfile and Get-SyncSchedulerConnectorOverride' {
        $runs = @(Get-SyncConnector @S | Invoke-SyncRunProfile @S -RunProfileName 'Delta Import')
        Assert-Equal @('hr', 'cloud') $runs.ConnectorName
        Assert-Equal 2 @(Get-SyncConnector @S | Get-SyncSchedulerConnectorOverride @S).Count
    }

    Test 'Import-SyncServerConfiguration takes the JSON from the pipeline, line by line' {
        $before = Get-SyncServerConfiguration @S
        $null = Get-SyncServerConfiguration @S -Path (Join-Path $srv.Dir 'lines.json')
        $null = Get-Content (Join-Path $srv.Dir 'lines.json') | Import-SyncServerConfiguration @S -Confirm:$false
        Assert-Equal $before (Get-SyncServerConfiguration @S)
    }

    Test 'Invoke-SyncRunProfile: unknown connector or run profile is IdSyncNotFound' {
        $r = Assert-Error 'IdSyncNotFound' { Invoke-SyncRunProfile @S -ConnectorName nope -RunProfileName 'Full Import' } -Category ObjectNotFound
        Assert-True ($r.Exception.Message -match 'nope') $r.Exception.Message
        Assert-Error 'IdSyncNotFound' { Invoke-SyncRunProfile @S -ConnectorName hr -RunProfileName 'Sideways Import' } | Out-Null
    }

    Test 'Get-SyncCSObject by DN, by Identifier, by anchor, and as a list' {
        $cs = Get-SyncCSObject @S -ConnectorName hr -DistinguishedName 'CN=Ann Lee,OU=People,DC=example,DC=com'
        Assert-Equal 'CN=Ann Lee,OU=People,DC=example,DC=com' $cs.DistinguishedName
        Assert-Equal 'ann@example.com' $cs.Attributes['mail'][0]
        Assert-True $cs.IsConnector 'joined'
        Assert-True ($null -ne $cs.ConnectedMVObjectId) 'linked to the metaverse'
        $byId = Get-SyncCSObject @S -Identifier $cs.ObjectId
        Assert-Equal $cs.DistinguishedName $byId.DistinguishedName
        $byAnchor = Get-SyncCSObject @S -ConnectorName hr -AnchorValue $cs.AnchorValue
        Assert-Equal $cs.ObjectId $byAnchor.ObjectId
        $list = @(Get-SyncCSObject @S -ConnectorName cloud)
        Assert-Equal 2 $list.Count
        Assert-True ($list.DistinguishedName -contains 'uid=ann,o=cloud') 'provisioned to the cloud'
        Assert-Equal 1 @(Get-SyncCSObject @S -ConnectorName cloud -MaxResultCount 1).Count
    }

    Test 'Get-SyncCSObject: a missing object is a non-terminating IdSyncNotFound' {
        $r = Get-SyncCSObject @S -ConnectorName hr -DistinguishedName 'CN=Nobody,DC=example,DC=com' -ErrorAction SilentlyContinue -ErrorVariable e
        Assert-True ($null -eq $r) 'no output'
        Assert-True ($e[0].FullyQualifiedErrorId -like 'IdSyncNotFound,*') $e[0].FullyQualifiedErrorId
        Assert-Equal 'ObjectNotFound' $e[0].CategoryInfo.Category.ToString()
    }

    Test 'Get-SyncMVObject by Identifier (piped from a CS object) and as a list' {
        $cs = Get-SyncCSObject @S -ConnectorName hr -DistinguishedName 'CN=Bo Chan,OU=People,DC=example,DC=com'
        $mv = $cs | Get-SyncMVObject @S
        Assert-Equal 'Bo Chan' $mv.Attributes['displayName'][0]
        Assert-True ($mv.Lineage.ConnectorName -contains 'hr' -and $mv.Lineage.ConnectorName -contains 'cloud') 'joined to hr and cloud'
        Assert-Equal 2 @(Get-SyncMVObject @S -ObjectType person).Count
        Assert-Error 'IdSyncNotFound' { Get-SyncMVObject @S -Identifier '00000000-0000-0000-0000-0000000f4240' } | Out-Null
        Assert-Error 'IdSyncInvalidArgument' { Get-SyncMVObject @S -Identifier ([guid]::NewGuid()) } | Out-Null
    }

    Test 'Get-SyncScheduler shows the documented fields' {
        $s = Get-SyncScheduler @S
        foreach ($p in 'AllowedSyncCycleInterval', 'CurrentlyEffectiveSyncCycleInterval', 'CustomizedSyncCycleInterval', 'NextSyncCyclePolicyType',
                       'NextSyncCycleStartTimeInUTC', 'PurgeRunHistoryInterval', 'SyncCycleEnabled', 'MaintenanceEnabled', 'StagingModeEnabled',
                       'SchedulerSuspended', 'SyncCycleInProgress') {
            Assert-True ($s.PSObject.Properties.Name -contains $p) "property $p"
        }
        Assert-Equal ([timespan]'00:30:00') $s.AllowedSyncCycleInterval
        Assert-Equal ([timespan]'7.00:00:00') $s.PurgeRunHistoryInterval
        Assert-Equal $false $s.SyncCycleInProgress
    }

    Test 'Set-SyncScheduler -WhatIf changes nothing; then changes only what is given' {
        $before = Get-SyncScheduler @S
        Set-SyncScheduler @S -CustomizedSyncCycleInterval '01:00:00' -SyncCycleEnabled $false -WhatIf
        Assert-Equal $before.SyncCycleEnabled (Get-SyncScheduler @S).SyncCycleEnabled
        Assert-Equal $null (Get-SyncScheduler @S).CustomizedSyncCycleInterval
        $after = Set-SyncScheduler @S -CustomizedSyncCycleInterval '01:00:00' -SyncCycleEnabled $false -NextSyncCyclePolicyType Initial
        Assert-Equal ([timespan]'01:00:00') $after.CustomizedSyncCycleInterval
        Assert-Equal ([timespan]'01:00:00') $after.CurrentlyEffectiveSyncCycleInterval
        Assert-Equal $false $after.SyncCycleEnabled
        Assert-Equal 'Initial' $after.NextSyncCyclePolicyType
        Assert-Equal $true $after.MaintenanceEnabled
        $t = [datetime]::new(2030, 1, 2, 3, 4, 5, [DateTimeKind]::Utc)
        Assert-Equal $t (Set-SyncScheduler @S -NextSyncCycleStartTimeInUTC $t -PurgeRunHistoryInterval '2.00:00:00').NextSyncCycleStartTimeInUTC
        Assert-Equal ([timespan]'2.00:00:00') (Get-SyncScheduler @S).PurgeRunHistoryInterval
        Set-SyncScheduler @S -SyncCycleEnabled $true -NextSyncCyclePolicyType Delta | Out-Null
    }

    Test 'Set-SyncScheduler: a refused value is an IdSyncInvalidArgument and changes nothing' {
        Assert-Error 'IdSyncInvalidArgument' { Set-SyncScheduler @S -PurgeRunHistoryInterval '00:00:00' } -Category InvalidArgument | Out-Null
        Assert-Equal ([timespan]'2.00:00:00') (Get-SyncScheduler @S).PurgeRunHistoryInterval
    }

    Test 'Get/Set-SyncSchedulerConnectorOverride' {
        $all = @(Get-SyncSchedulerConnectorOverride @S)
        Assert-Equal @('hr', 'cloud') $all.ConnectorName
        Assert-True (-not $all[0].FullImportRequired -and -not $all[0].FullSyncRequired) 'no override by default'
        Set-SyncSchedulerConnectorOverride @S -ConnectorName hr -FullImportRequired $true -WhatIf
        Assert-Equal $false (Get-SyncSchedulerConnectorOverride @S -ConnectorName hr).FullImportRequired
        $o = Set-ADSyncSchedulerConnectorOverride @S -ConnectorName hr -FullImportRequired $true
        Assert-Equal $true $o.FullImportRequired
        Assert-Equal '{11111111-2222-3333-4444-555555555555}' $o.ConnectorIdentifier
        $o = Set-SyncSchedulerConnectorOverride @S -ConnectorName hr -FullSyncRequired $true
        Assert-True ($o.FullImportRequired -and $o.FullSyncRequired) 'a flag not given keeps its value'
        Assert-Error 'IdSyncNotFound' { Get-SyncSchedulerConnectorOverride @S -ConnectorName nope } | Out-Null
        # The next cycle honours the override once: a full import on hr, then it is cleared.
        $r = Start-SyncCycle @S
        Assert-True ($r.RunResults | Where-Object { $_.ConnectorName -eq 'hr' -and $_.RunProfileName -eq 'Full Import' }) 'full import ran'
        Assert-Equal $false (Get-SyncSchedulerConnectorOverride @S -ConnectorName hr).FullImportRequired
    }

    Test 'Get/Set-SyncStagingMode: -WhatIf changes nothing; staging stops exports' {
        Assert-Equal $false (Get-SyncStagingMode @S).StagingModeEnabled
        Set-SyncStagingMode @S -Enabled $true -WhatIf
        Assert-Equal $false (Get-SyncStagingMode @S).StagingModeEnabled
        Assert-Equal $true (Set-SyncStagingMode @S -Enabled $true).StagingModeEnabled
        Assert-Equal $true (Get-SyncScheduler @S).StagingModeEnabled
        $r = Assert-Error 'IdSyncStopped' { Invoke-SyncRunProfile @S -ConnectorName cloud -RunProfileName Export } -Category OperationStopped
        Assert-True ($r.Exception.Message -match 'staging') $r.Exception.Message
    }

    Test 'staging mode: a changed source gives pending exports that Get-SyncPendingExport shows' {
        Set-TestSource $srv @(@{ uid = 'ann'; cn = 'Ann Leigh'; mail = 'ann@example.com' }, @{ uid = 'bo'; cn = 'Bo Chan' })
        # A file connector sees a rewritten file on a full import.
        $r = Start-SyncCycle @S -PolicyType Initial
        Assert-Equal 'Success' $r.Result
        Assert-True (-not ($r.RunResults.RunProfileName -contains 'Export')) 'staging mode: no export ran'
        $rows = @(Get-SyncPendingExport @S -ConnectorName cloud)
        Assert-Equal 1 $rows.Count
        Assert-Equal 'uid=ann,o=cloud' $rows[0].DN
        Assert-Equal 'Update' $rows[0].OMODT
        Assert-Equal 'cn' $rows[0].AttrName
        Assert-Equal 'Ann Lee' $rows[0].OldValue
        Assert-Equal 'Ann Leigh' $rows[0].NewValue
        $csv = Join-Path $srv.Dir 'pending.csv'
        $rows | Export-Csv -Path $csv -NoTypeInformation
        Assert-Equal 'ObjectType,DN,OMODT,ChangedAttrCount,AttrName,AMODT,ATYPE,IsMultiValued,ValueChangeCount,ValueAdds,ValueDeletes,OldValue,NewValue' `
            ((Get-Content $csv -First 1) -replace '"', '')
        Assert-Equal 0 @(Get-SyncPendingExport @S -ConnectorName hr).Count
        Assert-Error 'IdSyncNotFound' { Get-SyncPendingExport @S -ConnectorName nope } | Out-Null
    }

    Test 'Export-SyncConnectorSpace writes csexport XML, never overwrites, -WhatIf writes nothing' {
        $file = Join-Path $srv.Dir 'cloud.xml'
        Export-SyncConnectorSpace @S -ConnectorName cloud -Path $file -Filter x -WhatIf
        Assert-True (-not (Test-Path $file)) 'no file after -WhatIf'
        $r = Export-SyncConnectorSpace @S -ConnectorName cloud -Path $file -Filter x
        Assert-Equal 1 $r.Written
        [xml] $xml = Get-Content $file -Raw
        Assert-Equal 'uid=ann,o=cloud' $xml.'cs-objects'.'cs-object'.'cs-dn'
        $size = (Get-Item $file).Length
        Assert-Error 'IdSyncIoError' { Export-SyncConnectorSpace @S -ConnectorName cloud -Path $file } | Out-Null
        Assert-Equal $size (Get-Item $file).Length
        Assert-Error 'IdSyncInvalidArgument' { Export-SyncConnectorSpace @S -ConnectorName cloud -Path (Join-Path $srv.Dir 'b.xml') -Filter q } | Out-Null
    }

    Test 'leaving staging mode lets the next cycle export the pending change' {
        Set-SyncStagingMode @S -Enabled $false | Out-Null
        $r = Start-SyncCycle @S
        $export = $r.RunResults | Where-Object { $_.ConnectorName -eq 'cloud' -and $_.RunProfileName -eq 'Export' }
        Assert-Equal 1 $export.RunStepResults[0].ExportUpdate
        Assert-Equal 0 @(Get-SyncPendingExport @S -ConnectorName cloud).Count
        # The LDIF connector exports by appending change files beside the content file.
        $changes = Get-ChildItem "$($srv.Target).changes" -File | Get-Content -Raw
        Assert-True ("$changes" -match 'Ann Leigh') "the exported change: $changes"
    }

    Test 'deletion threshold: Get / Enable / Disable, -WhatIf changes nothing' {
        $t = Get-SyncExportDeletionThreshold @S
        Assert-Equal 'EnabledForCount' $t.DeletionPrevention
        Assert-Equal 500 $t.ThresholdCount
        Assert-Equal 0 $t.ThresholdPercentage
        Disable-SyncExportDeletionThreshold @S -WhatIf
        Assert-Equal 500 (Get-SyncExportDeletionThreshold @S).ThresholdCount
        Assert-Equal 'Disabled' (Disable-SyncExportDeletionThreshold @S -Confirm:$false).DeletionPrevention
        Assert-Equal 'Disabled' (Get-SyncExportDeletionThreshold @S).DeletionPrevention
        Assert-Equal 500 (Get-SyncExportDeletionThreshold @S).ThresholdCount  # kept for a later Enable
        Assert-Equal 1 (Enable-SyncExportDeletionThreshold @S -DeletionThreshold 1).ThresholdCount
    }

    Test 'over the deletion threshold an export stops: a Failed cycle and an IdSyncStopped error' {
        Set-TestSource $srv @()
        $r = Start-SyncCycle @S -PolicyType Initial -ErrorAction SilentlyContinue -ErrorVariable e
        Assert-Equal 'Failed' $r.Result
        Assert-True ($r.RunResults.Result -contains 'stopped-deletion-threshold-exceeded') ($r.RunResults.Result -join ',')
        Assert-True ($e[0].FullyQualifiedErrorId -like 'IdSyncStopped,*') $e[0].FullyQualifiedErrorId
        Assert-Equal 2 @(Get-SyncCSObject @S -ConnectorName cloud).Count
        Enable-SyncExportDeletionThreshold @S | Out-Null
        Set-TestSource $srv @(@{ uid = 'ann'; cn = 'Ann Leigh'; mail = 'ann@example.com' }, @{ uid = 'bo'; cn = 'Bo Chan' })
        Assert-Equal 'Success' (Start-SyncCycle @S -PolicyType Initial).Result
    }

    Test 'Get-SyncRule lists, finds by Identifier and by Name wildcard' {
        $rules = @(Get-SyncRule @S)
        Assert-Equal @('In from HR', 'Out to cloud') $rules.Name
        Assert-Equal 'Inbound' $rules[0].Direction
        Assert-Equal 'uid' $rules[0].JoinFilter[0].JoinConditionList[0].CSAttribute
        Assert-Equal 'Expression' $rules[1].AttributeFlowMappings[0].FlowType
        Assert-Equal 'Out to cloud' (Get-SyncRule @S -Identifier $rules[1].Identifier).Name
        Assert-Equal 'In from HR' (Get-ADSyncRule @S -Name 'in from*').Name
        Assert-Error 'IdSyncNotFound' { Get-SyncRule @S -Identifier '{nope}' } | Out-Null
    }

    Test 'rule authoring: New → scope → join → flows → Add-SyncRule (-WhatIf stores nothing)' {
        $rule = New-SyncRule @S -Name 'Mail to cloud' -Direction Outbound -Connector cloud -SourceObjectType person -TargetObjectType person -Precedence 30
        Assert-True ($rule.Identifier -match '^\{[0-9a-f-]{36}\}$') $rule.Identifier
        $rule = Add-SyncScopeConditionGroup -SynchronizationRule $rule -ScopeConditions @([IdSync.PowerShell.ScopeCondition]::new('mail', '', 'ISNOTNULL'))
        $rule = Add-SyncJoinConditionGroup -SynchronizationRule $rule -JoinConditions @([IdSync.PowerShell.JoinCondition]::new('uid', 'uid', $false))
        $rule = $rule | Add-SyncAttributeFlowMapping -Source mail -Destination mail
        $rule = $rule | Add-SyncAttributeFlowMapping -FlowType Expression -Expression 'LCase([uid])' -Source uid -Destination description
        Assert-Equal 2 $rule.AttributeFlowMappings.Count
        Add-SyncRule @S -SynchronizationRule $rule -WhatIf
        Assert-Equal 2 @(Get-SyncRule @S).Count
        $stored = $rule | Add-SyncRule @S
        Assert-Equal $rule.Identifier $stored.Identifier
        Assert-Equal 'ISNOTNULL' $stored.ScopeFilter[0].ScopeConditionList[0].ComparisonOperator
        Assert-Equal 'LCase([uid])' $stored.AttributeFlowMappings[1].Expression
        Assert-Equal 3 @(Get-SyncRule @S).Count
    }

    Test 'Add-SyncRule changes a stored rule with the same Identifier' {
        $rule = Get-SyncRule @S -Name 'Mail to cloud'
        $rule.Precedence = 35
        $rule.Disabled = $true
        $null = Add-SyncRule @S -SynchronizationRule $rule
        $again = Get-SyncRule @S -Identifier $rule.Identifier
        Assert-Equal 35 $again.Precedence
        Assert-Equal $true $again.Disabled
        Assert-Equal 3 @(Get-SyncRule @S).Count
    }

    Test 'a rule that does not compile is refused (IdSyncInvalidArgument) and nothing changes' {
        $bad = New-SyncRule @S -Name 'Broken' -Direction Inbound -Connector hr -SourceObjectType person -TargetObjectType person |
            Add-SyncAttributeFlowMapping -FlowType Expression -Expression 'Left([uid], ' -Destination mail
        $r = Assert-Error 'IdSync' { Add-SyncRule @S -SynchronizationRule $bad }
        Assert-True ($r.Exception.Message.Length -gt 0) 'a message'
        Assert-Equal 3 @(Get-SyncRule @S).Count
        Assert-Error 'IdSyncBadScopeOperator' {
            New-SyncRule @S -Name x -Direction Inbound -Connector hr -SourceObjectType person -TargetObjectType person |
                Add-SyncScopeConditionGroup -ScopeConditions @(@{ Attribute = 'a'; ComparisonValue = 'b'; ComparisonOperator = 'ISNOTBITSET' })
        } | Out-Null
        Assert-Error 'IdSyncFlowNeedsOneSource' {
            New-SyncRule @S -Name x -Direction Inbound -Connector hr -SourceObjectType person -TargetObjectType person |
                Add-SyncAttributeFlowMapping -Source a, b -Destination c
        } | Out-Null
    }

    Test 'Remove-SyncRule: -WhatIf keeps the rule; by pipeline and by Identifier' {
        $rule = Get-SyncRule @S -Name 'Mail to cloud'
        $rule | Remove-SyncRule @S -WhatIf
        Assert-Equal 3 @(Get-SyncRule @S).Count
        $rule | Remove-SyncRule @S -Confirm:$false
        Assert-Equal 2 @(Get-SyncRule @S).Count
        Assert-Error 'IdSyncNotFound' { Remove-SyncRule @S -Identifier $rule.Identifier -Confirm:$false } | Out-Null
    }

    Test 'Get-SyncServerConfiguration: JSON, to a file (never replaced without -Force), round trip' {
        $json = Get-SyncServerConfiguration @S
        $doc = $json | ConvertFrom-Json
        Assert-Equal 2 $doc.syncRules.Count
        $file = Join-Path $srv.Dir 'export.json'
        Get-SyncServerConfiguration @S -Path $file -WhatIf
        Assert-True (-not (Test-Path $file)) 'no file after -WhatIf'
        $f = Get-ADSyncServerConfiguration @S -Path $file
        Assert-Equal $file $f.FullName
        Assert-Equal ([System.IO.UnixFileMode]'UserRead, UserWrite') (Get-Item $file).UnixFileMode 'owner-only file'
        Assert-Error 'IdSyncFileExists' { Get-SyncServerConfiguration @S -Path $file } | Out-Null
        $null = Import-SyncServerConfiguration @S -Path $file -Confirm:$false
        Assert-Equal $json (Get-SyncServerConfiguration @S)
    }

    Test 'Stop-SyncCycle with nothing running warns and changes nothing' {
        $w = Stop-SyncCycle @S 3>&1
        Assert-True ("$w" -match 'Nothing is running') "$w"
    }

    Test 'Stop-SyncCycle stops a cycle running in another process at its next step' {
        $big = (1..6000 | ForEach-Object { @{ uid = "u$_"; cn = "User $_"; mail = "u$_@example.com" } })
        Set-TestSource $srv $big
        $job = Start-Job -ScriptBlock {
            param($modulePath, $store)
            Import-Module $modulePath
            Start-SyncCycle -Store $store -PolicyType Initial -ErrorAction SilentlyContinue
        } -ArgumentList (Get-Module IdSync).Path, $srv.Store
        $asked = $false
        for ($i = 0; $i -lt 400 -and -not $asked; ++$i) {
            if ((Get-SyncScheduler @S).SyncCycleInProgress) {
                $msg = Stop-SyncCycle @S -Confirm:$false 3>$null
                $asked = "$msg" -match 'Asked'
            }
            Start-Sleep -Milliseconds 25
        }
        $r = $job | Wait-Job -Timeout 120 | Receive-Job
        $job | Remove-Job -Force
        Assert-True $asked 'the cycle was seen running and asked to stop'
        Assert-Equal 'Stopped' $r.Result
        Assert-True ($r.RunResults.Count -lt 7) "runs before the stop: $($r.RunResults.Count) (a full Initial cycle has 7)"
    }

    Test 'a second cycle while one runs is IdSyncBusy' {
        $job = Start-Job -ScriptBlock {
            param($modulePath, $store)
            Import-Module $modulePath
            Start-SyncCycle -Store $store -PolicyType Initial
        } -ArgumentList (Get-Module IdSync).Path, $srv.Store
        $seen = $false
        for ($i = 0; $i -lt 400 -and -not $seen; ++$i) {
            $seen = (Get-SyncScheduler @S).SyncCycleInProgress
            if (-not $seen) { Start-Sleep -Milliseconds 25 }
        }
        try {
            Assert-True $seen 'the cycle was seen running'
            Assert-Error 'IdSyncBusy' { Start-SyncCycle @S } -Category ResourceBusy | Out-Null
        } finally {
            $job | Wait-Job -Timeout 120 | Remove-Job -Force
        }
    }

    Test 'Start-SyncPurgeRunHistory: -WhatIf removes nothing; then removes old records' {
        $count = @(Get-SyncRunProfileResult @S -NumberRequested 100000).Count
        Start-SyncPurgeRunHistory @S -PurgeRunHistoryInterval 0 -WhatIf
        Assert-Equal $count @(Get-SyncRunProfileResult @S -NumberRequested 100000).Count
        $r = Start-ADSyncPurgeRunHistory @S
        Assert-Equal 0 $r.RemovedCount
        Start-Sleep -Milliseconds 20
        $r = Start-SyncPurgeRunHistory @S -PurgeRunHistoryInterval 0
        Assert-Equal $count $r.RemovedCount
        Assert-Equal 0 @(Get-SyncRunProfileResult @S).Count
    }

    Test 'tab completion offers connector and run profile names from the store' {
        $line = "Invoke-SyncRunProfile -Store '$($srv.Store)' -ConnectorName c"
        $c = TabExpansion2 -inputScript $line -cursorColumn $line.Length
        Assert-Equal @('cloud') $c.CompletionMatches.CompletionText
        $line = "Invoke-SyncRunProfile -Store '$($srv.Store)' -ConnectorName hr -RunProfileName 'Delta "
        $c = TabExpansion2 -inputScript $line -cursorColumn $line.Length
        Assert-Equal @("'Delta Import'", "'Delta Synchronization'") $c.CompletionMatches.CompletionText
    }

    Test 'format views render the main output types' {
        $text = Get-SyncRule @S | Out-String
        Assert-True ($text -match 'Precedence' -and $text -match 'In from HR') $text
        $text = Get-SyncScheduler @S | Out-String
        Assert-True ($text -match 'CurrentlyEffectiveSyncCycleInterval') $text
        $text = Get-SyncConnector @S | Out-String
        Assert-True ($text -match 'RunProfiles') $text
    }
} finally {
    Remove-TestServer $srv
}
Complete-Tests
