# Help text of the IdSync cmdlets: New-IdSyncHelp.ps1 turns it, together with the cmdlets'
# own parameter metadata, into the MAML file Get-Help reads (en-US/IdSync.PowerShell.dll-Help.xml).
@{
    CommonParameters = @{
        Store = 'The IdSync server store file (the one the idsync CLI uses). When not given, $env:IDSYNC_STORE names it.'
        ConnectorName = 'The connector (management agent) name; compared case-insensitively. Tab completion offers the store''s connectors.'
        ConnectorIdentifier = 'The connector''s configured GUID (the id field of its configuration), instead of its name.'
        AADCredential = 'Accepted so that ADSync scripts run unchanged; IdSync keeps this setting in the store and needs no cloud sign-in.'
        SynchronizationRule = 'A sync rule object, from New-SyncRule or Get-SyncRule.'
    }
    Cmdlets = @{
        'Start-SyncCycle' = @{
            Synopsis = 'Runs one sync cycle over every connector and returns its outcome.'
            Description = 'Runs the imports, synchronizations and exports of every connector in the fixed order (on-premises imports, cloud import, on-premises syncs, cloud sync, cloud export, on-premises exports). Initial runs full imports and full syncs; Delta runs delta imports and delta syncs (connector overrides can force full steps once). Unlike Start-ADSyncSyncCycle it waits for the cycle to end: Result is Success, Failed (a run stopped; an IdSyncStopped error names it) or Stopped (Stop-SyncCycle). In staging mode no export runs. Progress is written with Write-Progress; Ctrl+C asks the cycle to stop at its next step.'
            Parameters = @{ PolicyType = 'Delta (default) or Initial.' }
            Examples = @(
                @{ Code = 'Start-SyncCycle -PolicyType Delta'; Remarks = 'Runs a delta cycle on the store named by $env:IDSYNC_STORE.' }
                @{ Code = '(Start-ADSyncSyncCycle -PolicyType Initial -Store /var/lib/idsync/idsync.db).Result'; Remarks = 'The ADSync name; prints Success when every run succeeded.' }
            )
        }
        'Stop-SyncCycle' = @{
            Synopsis = 'Asks the running cycle or run profile to stop at its next step.'
            Description = 'Works across processes: the cycle may run in the scheduler service or another shell. The run finishes the step it is in (each step commits on its own), records stopped in the run history, and the cycle''s Result is Stopped. With nothing running it warns and changes nothing.'
            Examples = @(@{ Code = 'Stop-SyncCycle'; Remarks = 'Asks the running cycle to stop.' })
        }
        'Get-SyncScheduler' = @{
            Synopsis = 'Shows the scheduler settings and state with the Get-ADSyncScheduler fields.'
            Description = 'AllowedSyncCycleInterval, CurrentlyEffectiveSyncCycleInterval, CustomizedSyncCycleInterval, NextSyncCyclePolicyType, NextSyncCycleStartTimeInUTC, PurgeRunHistoryInterval, SyncCycleEnabled, MaintenanceEnabled, StagingModeEnabled, SchedulerSuspended and SyncCycleInProgress (whether a run holds the store now).'
            Examples = @(@{ Code = 'Get-SyncScheduler | Select-Object NextSyncCycleStartTimeInUTC, SyncCycleInProgress'; Remarks = 'When the next cycle starts, and whether one runs now.' })
        }
        'Set-SyncScheduler' = @{
            Synopsis = 'Changes scheduler settings; settings not given keep their values.'
            Description = 'Takes the Set-ADSyncScheduler parameters. The effective interval is never below AllowedSyncCycleInterval (30 minutes). A refused value (a zero purge interval, an unknown policy) changes nothing.'
            Parameters = @{
                CustomizedSyncCycleInterval = 'The cycle interval, e.g. 01:00:00.'
                SyncCycleEnabled = 'Whether the scheduler starts cycles.'
                NextSyncCyclePolicyType = 'Delta or Initial, for the next cycle only.'
                NextSyncCycleStartTimeInUTC = 'When the next cycle is due.'
                PurgeRunHistoryInterval = 'How long run history is kept (default 7 days).'
                MaintenanceEnabled = 'Whether the scheduler purges old run history.'
                SchedulerSuspended = 'Suspends the scheduler (no cycle starts) without changing SyncCycleEnabled.'
                Force = 'Accepted for ADSync scripts.'
            }
            Examples = @(
                @{ Code = 'Set-ADSyncScheduler -SyncCycleEnabled $false'; Remarks = 'Pauses scheduled cycles, e.g. during a rule change.' }
                @{ Code = 'Set-SyncScheduler -CustomizedSyncCycleInterval 01:00:00 -NextSyncCyclePolicyType Initial'; Remarks = 'Hourly cycles; the next one is an Initial cycle.' }
            )
        }
        'Get-SyncSchedulerConnectorOverride' = @{
            Synopsis = 'Shows whether the next cycle runs a full import or full sync on a connector.'
            Description = 'Without a connector, the overrides of every connector.'
            Examples = @(@{ Code = 'Get-SyncSchedulerConnectorOverride -ConnectorName contoso.com'; Remarks = '' })
        }
        'Set-SyncSchedulerConnectorOverride' = @{
            Synopsis = 'Forces a full import and/or full sync of one connector in the next cycle.'
            Description = 'The next cycle honours the override once and clears it. A flag not given keeps its value.'
            Parameters = @{ FullImportRequired = 'Run a Full Import instead of a Delta Import.'; FullSyncRequired = 'Run a Full Synchronization instead of a Delta Synchronization (needed after a rule change).' }
            Examples = @(@{ Code = 'Set-ADSyncSchedulerConnectorOverride -ConnectorName contoso.com -FullSyncRequired $true'; Remarks = 'After a sync rule change.' })
        }
        'Invoke-SyncRunProfile' = @{
            Synopsis = 'Runs one run profile of one connector and returns its run history record.'
            Description = 'Run profiles: Full Import, Delta Import, Full Synchronization, Delta Synchronization, Export (or the connector''s own). A run that ends in a stopped-* state (deletion threshold, error limit, stop request) returns its record and writes an IdSyncStopped error. In staging mode an Export is refused unless -ForceExport. A second run while one holds the store is IdSyncBusy.'
            Parameters = @{ RunProfileName = 'The run profile; tab completion offers the connector''s.'; ForceExport = 'Export even though the server is in staging mode.' }
            Examples = @(@{ Code = 'Invoke-ADSyncRunProfile -ConnectorName contoso.com -RunProfileName "Full Import"'; Remarks = '' })
        }
        'Get-SyncRunProfileResult' = @{
            Synopsis = 'Shows run history, newest first, with the Get-ADSyncRunProfileResult fields.'
            Description = 'RunHistoryId, ConnectorId, ConnectorName, RunProfileName, RunNumber, Result, IsRunComplete, CurrentStepNumber, TotalSteps, StartDate, EndDate and RunStepResults (per step: StepResult, counters such as StageAdd or ExportUpdate, and the recorded object errors).'
            Parameters = @{ RunHistoryId = 'One record.'; ConnectorId = 'The connector''s GUID or name.'; Result = 'Only runs with this result, e.g. stopped-deletion-threshold-exceeded.'; NumberRequested = 'At most this many records (default 100).'; RunStepDetails = 'Accepted for ADSync scripts; step results are always included.' }
            Examples = @(
                @{ Code = 'Get-SyncRunProfileResult -NumberRequested 10'; Remarks = 'The last ten runs.' }
                @{ Code = '(Get-ADSyncRunProfileResult -ConnectorName cloud -NumberRequested 1).RunStepResults'; Remarks = 'The counters of the last run on cloud.' }
            )
        }
        'Get-SyncConnector' = @{
            Synopsis = 'Lists the configured connectors with their run profiles.'
            Parameters = @{ Name = 'One connector by name.'; Identifier = 'One connector by its configured GUID.' }
            Examples = @(@{ Code = 'Get-SyncConnector | Select-Object Name, Role, RunProfiles'; Remarks = '' })
        }
        'Get-SyncCSObject' = @{
            Synopsis = 'Shows a connector space object, or a page of a connector''s objects.'
            Description = 'By -DistinguishedName, by -Identifier (the ObjectId GUID; without a connector every connector space is searched) or by -AnchorValue (base64). Without them, a page of the connector''s objects (-PendingExport: only those with an export waiting). A missing object is a non-terminating IdSyncNotFound error.'
            Parameters = @{ DistinguishedName = 'The object''s DN.'; Identifier = 'The object''s ObjectId.'; AnchorValue = 'The anchor, base64 as in the AnchorValue property.'; PendingExport = 'Only objects with a pending export.'; MaxResultCount = 'At most this many objects (default 1000; 0 = all).'; SkipDNValidation = 'Accepted for ADSync scripts.'; Transient = 'Accepted for ADSync scripts.' }
            Examples = @(
                @{ Code = 'Get-ADSyncCSObject -ConnectorName contoso.com -DistinguishedName "CN=Ann Lee,OU=People,DC=contoso,DC=com"'; Remarks = '' }
                @{ Code = 'Get-SyncCSObject -ConnectorName cloud -PendingExport | Select-Object DistinguishedName, PendingExport'; Remarks = 'What waits for the next export.' }
            )
        }
        'Get-SyncMVObject' = @{
            Synopsis = 'Shows a metaverse object with its attributes and joined connector space objects.'
            Description = 'By -Identifier (pipe a CS object: its ConnectedMVObjectId binds). Without it, a page of metaverse objects (-ObjectType, -MaxResultCount).'
            Parameters = @{ Identifier = 'The metaverse object id.'; ObjectType = 'Only objects of this type.'; MaxResultCount = 'At most this many objects (default 1000; 0 = all).' }
            Examples = @(@{ Code = 'Get-SyncCSObject -ConnectorName hr -DistinguishedName "CN=Ann Lee,OU=People,DC=example,DC=com" | Get-SyncMVObject'; Remarks = 'The metaverse identity of a source object, and its lineage.' })
        }
        'Get-SyncRule' = @{
            Synopsis = 'Lists the stored sync rules, or finds one.'
            Parameters = @{ Identifier = 'The rule''s Identifier ("{...}"), or its exact name.'; Name = 'Rules whose name matches (wildcards).'; ConnectorName = 'Rules of this connector.' }
            Examples = @(@{ Code = 'Get-SyncRule -Name "In from AD*" | Format-Table Precedence, Name, Direction'; Remarks = '' })
        }
        'New-SyncRule' = @{
            Synopsis = 'Builds a new sync rule in memory (Add-SyncRule stores it).'
            Description = 'Takes the New-ADSyncRule parameters. Extend the rule with Add-SyncScopeConditionGroup, Add-SyncJoinConditionGroup and Add-SyncAttributeFlowMapping (each returns the rule; -OutVariable works as in the ADSync examples), then store it with Add-SyncRule.'
            Parameters = @{ Name = 'The rule name.'; Identifier = 'A GUID; a new one when not given.'; Description = 'Free text.'; Direction = 'Inbound (connector space → metaverse) or Outbound.'; Precedence = 'Lower wins; custom rules below 100.'; SourceObjectType = 'Inbound: the connector space type; outbound: the metaverse type.'; TargetObjectType = 'Inbound: the metaverse type; outbound: the connector space type.'; Connector = 'The connector''s name or Identifier.'; LinkType = 'Join (default), Provision or StickyJoin.'; ImmutableTag = 'A tag that stays with the rule.'; Disabled = 'Store the rule disabled.' }
            Examples = @(@{ Code = '$r = New-SyncRule -Name "In from HR - mail" -Direction Inbound -Connector hr -SourceObjectType person -TargetObjectType person -Precedence 50'; Remarks = '' })
        }
        'Add-SyncAttributeFlowMapping' = @{
            Synopsis = 'Adds an attribute flow to a sync rule in memory.'
            Parameters = @{ Source = 'Direct: the one source attribute; Expression: the attributes it reads.'; Destination = 'The target attribute ("dn" on an outbound rule sets the DN).'; FlowType = 'Direct, Constant or Expression.'; Expression = 'Expression: the expression; Constant: the value.'; ValueMergeType = 'Update (default), Replace, Merge or MergeCaseInsensitive.'; ExecuteOnce = 'Apply once (on provisioning) only.' }
            Examples = @(@{ Code = '$r = $r | Add-SyncAttributeFlowMapping -FlowType Expression -Expression ''LCase([uid])'' -Source uid -Destination mailNickname'; Remarks = '' })
        }
        'Add-SyncScopeConditionGroup' = @{
            Synopsis = 'Adds a scoping group (conditions ANDed; groups ORed) to a sync rule in memory.'
            Parameters = @{ ScopeConditions = '[IdSync.PowerShell.ScopeCondition]::new(attribute, value, operator), or hashtables with Attribute, ComparisonValue, ComparisonOperator. Operators: EQUAL, NOTEQUAL, ..., ISBITSET, ISBITNOTSET, ISMEMBEROF, ISNOTMEMBEROF.' }
            Examples = @(@{ Code = '$r = Add-SyncScopeConditionGroup -SynchronizationRule $r -ScopeConditions @([IdSync.PowerShell.ScopeCondition]::new(''mail'', '''', ''ISNOTNULL''))'; Remarks = '' })
        }
        'Add-SyncJoinConditionGroup' = @{
            Synopsis = 'Adds a join group (tried in order; the first with exactly one match wins) to a sync rule in memory.'
            Parameters = @{ JoinConditions = '[IdSync.PowerShell.JoinCondition]::new(csAttribute, mvAttribute, caseSensitive).' }
            Examples = @(@{ Code = '$r = Add-SyncJoinConditionGroup -SynchronizationRule $r -JoinConditions @([IdSync.PowerShell.JoinCondition]::new(''uid'', ''uid'', $false))'; Remarks = '' })
        }
        'Add-SyncRule' = @{
            Synopsis = 'Stores a sync rule: adds it, or replaces the stored rule with the same Identifier.'
            Description = 'Every rule is compiled first: a rule naming an unknown attribute or holding a broken expression is refused and nothing changes. Run a Full Synchronization afterwards (Set-SyncSchedulerConnectorOverride -FullSyncRequired $true) so that existing objects see the change.'
            Examples = @(@{ Code = '$r | Add-SyncRule'; Remarks = '' }, @{ Code = '$rule = Get-SyncRule -Name "Out to cloud"; $rule.Precedence = 90; Add-SyncRule -SynchronizationRule $rule'; Remarks = 'Changes a stored rule.' })
        }
        'Remove-SyncRule' = @{
            Synopsis = 'Removes a stored sync rule.'
            Parameters = @{ Identifier = 'The rule''s Identifier.' }
            Examples = @(@{ Code = 'Get-SyncRule -Name "Test*" | Remove-SyncRule -Confirm:$false'; Remarks = '' })
        }
        'Get-SyncStagingMode' = @{
            Synopsis = 'Shows whether the server is in staging mode.'
            Examples = @(@{ Code = '(Get-SyncStagingMode).StagingModeEnabled'; Remarks = '' })
        }
        'Set-SyncStagingMode' = @{
            Synopsis = 'Enters or leaves staging mode (imports and syncs run, exports do not).'
            Description = 'In staging mode preview what would be exported with Get-SyncPendingExport or Export-SyncConnectorSpace -Filter x. Leaving staging mode lets the next cycle export everything pending.'
            Parameters = @{ Enabled = '$true to enter staging mode, $false to leave it.' }
            Examples = @(@{ Code = 'Set-SyncStagingMode -Enabled $true'; Remarks = '' })
        }
        'Get-SyncExportDeletionThreshold' = @{
            Synopsis = 'Shows the prevention of accidental deletes.'
            Description = 'DeletionPrevention: Disabled, EnabledForCount (an export run that would delete more than ThresholdCount objects in one connector stops) or EnabledForPercentage (more than ThresholdPercentage percent of the connector space objects). The value not in force is kept for a later Enable. The same setting as `idsync threshold show`.'
            Examples = @(@{ Code = 'Get-ADSyncExportDeletionThreshold'; Remarks = '' })
        }
        'Enable-SyncExportDeletionThreshold' = @{
            Synopsis = 'Stops any export run that would delete more objects than the threshold in one connector.'
            Description = 'An export over the threshold stops as a whole with stopped-deletion-threshold-exceeded; nothing is deleted. The threshold is a count (-DeletionThreshold, EnabledForCount) or a percentage of the connector space objects (-ThresholdPercentage, EnabledForPercentage). Review with Get-SyncPendingExport, then disable the threshold for one run if the deletes are intended.'
            Parameters = @{
                DeletionThreshold = 'Deletes per connector and export run (default 500): EnabledForCount.'
                ThresholdPercentage = 'Percent (1..100) of a connector space''s objects an export run may delete: EnabledForPercentage. IdSync''s addition to the ADSync parameters.'
            }
            Examples = @(
                @{ Code = 'Enable-ADSyncExportDeletionThreshold -DeletionThreshold 500'; Remarks = '' }
                @{ Code = 'Enable-SyncExportDeletionThreshold -ThresholdPercentage 10'; Remarks = 'Stops an export that would delete more than a tenth of a connector space.' }
            )
        }
        'Disable-SyncExportDeletionThreshold' = @{
            Synopsis = 'Allows exports to delete any number of objects (not recommended).'
            Examples = @(@{ Code = 'Disable-SyncExportDeletionThreshold -Confirm:$false; Start-SyncCycle; Enable-SyncExportDeletionThreshold'; Remarks = 'Lets a planned mass delete through, then protects again.' })
        }
        'Get-SyncGroupMemberRemovalLimit' = @{
            Synopsis = 'Shows the group member-removal limit: how many members one export run may remove from one group.'
            Description = 'Enabled, ThresholdCount (removals from one group per export run; 0 = no count limit), ThresholdPercentage (percent of a group''s members; 0 = no percentage limit) and MinimumGroupSize (the percentage applies to groups this large or larger). An export over the limit stops with stopped-group-member-removal-limit-exceeded and names every offending group. IdSync''s own safety limit (Entra Connect has none); the same setting as `idsync member-limit show`.'
            Examples = @(@{ Code = 'Get-SyncGroupMemberRemovalLimit'; Remarks = 'On by default: 500 removals, or half of a group of 100 or more members.' })
        }
        'Enable-SyncGroupMemberRemovalLimit' = @{
            Synopsis = 'Stops any export run that would remove more members from one group than the limit.'
            Description = 'Parameters not given keep their value. The export stops as a whole, nothing is sent, and the offending groups are the run''s errors; review with Get-SyncPendingExport. A limit with neither a count nor a percentage is refused (use Disable-SyncGroupMemberRemovalLimit).'
            Parameters = @{
                ThresholdCount = 'Removals from one group per export run (default 500); 0 = no count limit.'
                ThresholdPercentage = 'Percent (0..100) of a group''s members one export run may remove (default 50); 0 = no percentage limit.'
                MinimumGroupSize = 'The percentage applies to groups with at least this many members (default 100).'
            }
            Examples = @(@{ Code = 'Enable-SyncGroupMemberRemovalLimit -ThresholdCount 200 -ThresholdPercentage 20 -MinimumGroupSize 50'; Remarks = '' })
        }
        'Disable-SyncGroupMemberRemovalLimit' = @{
            Synopsis = 'Allows exports to remove any number of members from a group (not recommended).'
            Description = 'The limit''s values are kept; Enable-SyncGroupMemberRemovalLimit turns it back on with them.'
            Examples = @(@{ Code = 'Disable-SyncGroupMemberRemovalLimit -Confirm:$false; Start-SyncCycle; Enable-SyncGroupMemberRemovalLimit'; Remarks = 'Lets a planned group cleanup through, then protects again.' })
        }
        'Export-SyncConnectorSpace' = @{
            Synopsis = 'csexport: writes a connector space to a new file in MIM''s Connector Space Export XML format.'
            Description = 'Never overwrites a file (IdSyncIoError). Works while a cycle runs.'
            Parameters = @{ Path = 'The XML file to create.'; Filter = 'csexport''s /f: text: x pending exports, m pending imports, s disconnectors, i import errors, e export errors, d="DN", r="rdn", g="guid". All objects when not given.'; Sections = 'csexport''s /o: letters (e, b, h, d, p). All when not given.' }
            Examples = @(@{ Code = 'Export-SyncConnectorSpace -ConnectorName cloud -Path ./cloud-pending.xml -Filter x'; Remarks = 'The pending exports of cloud.' })
        }
        'Get-SyncPendingExport' = @{
            Synopsis = 'Shows what the next export of a connector would send, as the export analyzer''s rows.'
            Description = 'One row per changed attribute: ObjectType, DN, OMODT, ChangedAttrCount, AttrName, AMODT, ATYPE, IsMultiValued, ValueChangeCount, ValueAdds, ValueDeletes, OldValue, NewValue. Pipe to Export-Csv for the analyzer''s CSV.'
            Examples = @(@{ Code = 'Get-SyncPendingExport -ConnectorName cloud | Export-Csv pending.csv -NoTypeInformation'; Remarks = '' }, @{ Code = 'Get-SyncPendingExport cloud | Group-Object OMODT'; Remarks = 'Adds, updates and deletes at a glance.' })
        }
        'Get-SyncServerConfiguration' = @{
            Synopsis = 'Exports the whole configuration as the JSON document Import-SyncServerConfiguration reads.'
            Parameters = @{ Path = 'Write to this file (or IdSyncConfiguration.json in this folder) instead of the pipeline.'; Force = 'Replace an existing file.' }
            Examples = @(@{ Code = 'Get-ADSyncServerConfiguration -Path ./backup'; Remarks = 'Writes ./backup/IdSyncConfiguration.json.' })
        }
        'Import-SyncServerConfiguration' = @{
            Synopsis = 'Replaces the whole configuration (metaverse schema, connectors, sync rules).'
            Description = 'Every rule is compiled first; a configuration with a broken rule is refused and nothing changes. Connector spaces of connectors that stay (same name) are kept; those of removed connectors are deleted.'
            Parameters = @{ Path = 'The JSON configuration file.'; Json = 'The configuration as JSON text.'; Create = 'Create the store when it does not exist.' }
            Examples = @(@{ Code = 'Import-SyncServerConfiguration -Store ./idsync.db -Path ./config.json -Create'; Remarks = '' })
        }
        'Start-SyncPurgeRunHistory' = @{
            Synopsis = 'Removes run history older than an interval.'
            Parameters = @{ PurgeRunHistoryInterval = 'Keep this much history; the scheduler''s PurgeRunHistoryInterval (7 days) when not given.' }
            Examples = @(@{ Code = 'Start-ADSyncPurgeRunHistory -PurgeRunHistoryInterval 2.00:00:00'; Remarks = 'Keeps two days.' })
        }
    }
}
