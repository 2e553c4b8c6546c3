# A throwaway IdSync server for the tests: an LDIF "hr" source (on-premises) with two people, an
# LDIF "cloud" target, inbound / outbound rules, all in a temp folder that Remove-TestServer removes.
function New-TestServer {
    $dir = Join-Path ([System.IO.Path]::GetTempPath()) ("idsync-pwsh-" + [guid]::NewGuid())
    New-Item -ItemType Directory -Path $dir | Out-Null
    $server = [pscustomobject]@{ Dir = $dir; Store = Join-Path $dir 'idsync.db'; Source = Join-Path $dir 'source.ldif'; Target = Join-Path $dir 'target.ldif'; Config = Join-Path $dir 'config.json' }
    Set-TestSource $server @(@{ uid = 'ann'; cn = 'Ann Lee'; mail = 'ann@example.com' }, @{ uid = 'bo'; cn = 'Bo Chan' })
    Set-Content -Path $server.Target -Value "version: 1`n" -NoNewline
    $config = [ordered]@{
        idsyncConfiguration = 1
        metaverse = @{ attributes = @(@{ name = 'uid' }, @{ name = 'displayName' }, @{ name = 'mail' }); objectTypes = @(@{ name = 'person'; attributes = @() }) }
        connectors = @(
            @{ name = 'hr'; id = '{11111111-2222-3333-4444-555555555555}'; type = 'ldif'; role = 'on-premises'; options = @{ path = $server.Source; anchor = 'uid' } },
            @{ name = 'cloud'; type = 'ldif'; role = 'cloud'; options = @{ path = $server.Target; anchor = 'uid' } })
        syncRules = @(
            [ordered]@{ name = 'In from HR'; direction = 'Inbound'; connector = 'hr'; sourceObjectType = 'person'; targetObjectType = 'person'
                linkType = 'Provision'; precedence = 10; joins = @(, @(@{ csAttribute = 'uid'; mvAttribute = 'uid' }))
                flows = @(@{ type = 'Direct'; destination = 'uid'; sources = @('uid') }, @{ type = 'Direct'; destination = 'displayName'; sources = @('cn') },
                          @{ type = 'Direct'; destination = 'mail'; sources = @('mail') }) },
            [ordered]@{ name = 'Out to cloud'; direction = 'Outbound'; connector = 'cloud'; sourceObjectType = 'person'; targetObjectType = 'person'
                linkType = 'Provision'; precedence = 20
                flows = @(@{ type = 'Expression'; destination = 'dn'; sources = @('uid'); expression = '"uid=" & [uid] & ",o=cloud"' },
                          @{ type = 'Direct'; destination = 'uid'; sources = @('uid') }, @{ type = 'Direct'; destination = 'cn'; sources = @('displayName') }) })
    }
    $config | ConvertTo-Json -Depth 10 | Set-Content -Path $server.Config
    $server
}

# Rewrites the source directory with these people (hashtables of uid, cn, mail).
function Set-TestSource($Server, [object[]] $People) {
    $text = "version: 1`n`n"
    foreach ($p in $People) {
        $text += "dn: CN=$($p.cn),OU=People,DC=example,DC=com`nobjectClass: person`nuid: $($p.uid)`ncn: $($p.cn)`n"
        if ($p.mail) { $text += "mail: $($p.mail)`n" }
        $text += "`n"
    }
    Set-Content -Path $Server.Source -Value $text -NoNewline
}

function Remove-TestServer($Server) {
    if ($Server -and (Test-Path $Server.Dir)) { Remove-Item -Recurse -Force $Server.Dir }
}

# The module under test: the copy the build made (run.sh passes its folder), imported by path so
# that an older installed copy (/usr/local/share/powershell/Modules) cannot stand in for it.
function Import-IdSyncUnderTest {
    if (-not $env:IDSYNC_PSMODULE_PATH) { throw 'IDSYNC_PSMODULE_PATH is not set: run the tests through tests/pwsh/run.sh' }
    Import-Module (Join-Path $env:IDSYNC_PSMODULE_PATH 'IdSync') -Force -ErrorAction Stop
    $base = (Get-Module IdSync).ModuleBase
    if (-not $base.StartsWith($env:IDSYNC_PSMODULE_PATH)) { throw "loaded $base, not the build's copy under $env:IDSYNC_PSMODULE_PATH" }
}
