# An administrator's script written for the ADSync module of Entra Connect, unchanged: only the
# ADSync names, their parameters and their documented output properties. (The store comes from
# $env:IDSYNC_STORE, as ADSync's comes from the machine it runs on.) Exits non-zero on failure.
$ErrorActionPreference = 'Stop'
Import-Module IdSync

$scheduler = Get-ADSyncScheduler
if ($scheduler.SyncCycleInProgress) { throw 'a sync cycle is already running' }
Write-Output "Interval: $($scheduler.CurrentlyEffectiveSyncCycleInterval); next: $($scheduler.NextSyncCyclePolicyType)"

# Pause the scheduler while we work, as the Microsoft docs suggest.
Set-ADSyncScheduler -SyncCycleEnabled $false

$threshold = Get-ADSyncExportDeletionThreshold
Write-Output "DeletionPrevention: $($threshold.DeletionPrevention), ThresholdCount: $($threshold.ThresholdCount)"
Enable-ADSyncExportDeletionThreshold -DeletionThreshold 200

# A new inbound sync rule, the way the Entra Connect docs build one.
$connector = Get-ADSyncConnector -Name 'hr'
New-ADSyncRule -Name 'In from HR - mail nickname' -Identifier '{0a1b2c3d-0000-4000-8000-000000000001}' `
    -Description 'Flows uid to mailNickname' -Direction 'Inbound' -Precedence 50 `
    -SourceObjectType 'person' -TargetObjectType 'person' -Connector $connector.Identifier -LinkType 'Join' `
    -OutVariable syncRule | Out-Null
Add-ADSyncScopeConditionGroup -SynchronizationRule $syncRule[0] `
    -ScopeConditions @([IdSync.PowerShell.ScopeCondition]::new('uid', '', 'ISNOTNULL')) -OutVariable syncRule | Out-Null
Add-ADSyncAttributeFlowMapping -SynchronizationRule $syncRule[0] -Source @('uid') -Destination 'mailNickname' `
    -FlowType 'Expression' -Expression 'LCase([uid])' -ValueMergeType 'Update' -OutVariable syncRule | Out-Null
Add-ADSyncRule -SynchronizationRule $syncRule[0] | Out-Null
$rule = Get-ADSyncRule -Identifier '{0a1b2c3d-0000-4000-8000-000000000001}'
Write-Output "Rule: $($rule.Name) ($($rule.Direction), precedence $($rule.Precedence))"

# The rule change needs a full sync of that connector.
Set-ADSyncSchedulerConnectorOverride -ConnectorName 'hr' -FullSyncRequired $true
$result = Start-ADSyncSyncCycle -PolicyType Initial
if ($result.Result -ne 'Success') { throw "sync cycle: $($result.Result)" }
Write-Output "Cycle: $($result.Result)"

$run = Invoke-ADSyncRunProfile -ConnectorName 'hr' -RunProfileName 'Delta Import'
Write-Output "Run: $($run.RunProfileName) $($run.Result)"

$last = Get-ADSyncRunProfileResult -ConnectorId $connector.Identifier -NumberRequested 1
Write-Output "Last: #$($last.RunNumber) $($last.RunProfileName) $($last.Result) $($last.StartDate.ToString('u'))"

$cs = Get-ADSyncCSObject -ConnectorName 'hr' -DistinguishedName 'CN=Ann Lee,OU=People,DC=example,DC=com'
$mv = Get-ADSyncMVObject -Identifier $cs.ConnectedMVObjectId
Write-Output "MV: $($mv.Attributes['displayName']) mailNickname=$($mv.Attributes['mailNickname'])"

Remove-ADSyncRule -SynchronizationRule $rule
Disable-ADSyncExportDeletionThreshold | Out-Null
Start-ADSyncPurgeRunHistory -PurgeRunHistoryInterval '7.00:00:00' | Out-Null
Set-ADSyncScheduler -SyncCycleEnabled $true
Write-Output 'done'
