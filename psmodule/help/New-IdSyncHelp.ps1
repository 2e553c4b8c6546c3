# Writes the MAML help of the IdSync cmdlets (what Get-Help shows) from IdSync.help.psd1 and the
# cmdlets' own parameter metadata, so syntax and parameter types never drift from the code.
# Fails when a cmdlet or one of its parameters has no help text.
# Usage: pwsh -NoProfile -File New-IdSyncHelp.ps1 -ModuleDir <built module folder>
param([Parameter(Mandatory)] [string] $ModuleDir)
$ErrorActionPreference = 'Stop'
$help = Import-PowerShellDataFile (Join-Path $PSScriptRoot 'IdSync.help.psd1')
$module = Import-Module (Join-Path $ModuleDir 'IdSync.psd1') -PassThru -Force
$common = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters

function Esc([string] $s) { [System.Security.SecurityElement]::Escape($s) }
function Para([string] $s) { "<maml:para>$(Esc $s)</maml:para>" }

$missing = @()
$xml = [System.Text.StringBuilder]::new()
$null = $xml.AppendLine('<?xml version="1.0" encoding="utf-8"?>')
$null = $xml.AppendLine('<helpItems schema="maml" xmlns="http://msh">')
foreach ($name in ($module.ExportedCmdlets.Keys | Sort-Object)) {
    $entry = $help.Cmdlets[$name]
    if (-not $entry) { $missing += "$name (no entry)"; continue }
    $cmd = Get-Command $name
    $paramText = @{}
    foreach ($p in $cmd.Parameters.Keys) {
        if ($common -contains $p) { continue }
        $text = if ($entry.Parameters -and $entry.Parameters[$p]) { $entry.Parameters[$p] } else { $help.CommonParameters[$p] }
        if (-not $text) { $missing += "$name -$p"; continue }
        $paramText[$p] = $text
    }
    $verb, $noun = $name -split '-', 2
    $alias = (Get-Alias -Definition $name -ErrorAction SilentlyContinue).Name
    $description = if ($entry.Description) { $entry.Description } else { $entry.Synopsis }
    if ($alias) { $description += " ADSync name: $alias." }
    $null = $xml.AppendLine('<command:command xmlns:maml="http://schemas.microsoft.com/maml/2004/10" xmlns:command="http://schemas.microsoft.com/maml/dev/command/2004/10" xmlns:dev="http://schemas.microsoft.com/maml/dev/2004/10">')
    $null = $xml.AppendLine("<command:details><command:name>$name</command:name><command:verb>$verb</command:verb><command:noun>$noun</command:noun><maml:description>$(Para $entry.Synopsis)</maml:description></command:details>")
    $null = $xml.AppendLine("<maml:description>$(Para $description)</maml:description>")
    $null = $xml.AppendLine('<command:syntax>')
    foreach ($set in $cmd.ParameterSets) {
        $null = $xml.AppendLine("<command:syntaxItem><maml:name>$name</maml:name>")
        foreach ($p in $set.Parameters) {
            if ($common -contains $p.Name) { continue }
            $pos = if ($p.Position -ge 0) { $p.Position + 1 } else { 'named' }
            $value = if ($p.ParameterType -eq [switch]) { '' } else { "<command:parameterValue required=""true"">$(Esc $p.ParameterType.Name)</command:parameterValue>" }
            $null = $xml.AppendLine("<command:parameter required=""$($p.IsMandatory.ToString().ToLower())"" position=""$pos""><maml:name>$($p.Name)</maml:name>$value</command:parameter>")
        }
        $null = $xml.AppendLine('</command:syntaxItem>')
    }
    $null = $xml.AppendLine('</command:syntax><command:parameters>')
    foreach ($p in ($cmd.Parameters.Values | Where-Object { $paramText.ContainsKey($_.Name) } | Sort-Object Name)) {
        $attr = $p.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] }
        $required = [bool]($attr | Where-Object Mandatory)
        $pipeline = if ($attr | Where-Object ValueFromPipeline) { 'true (ByValue)' } elseif ($attr | Where-Object ValueFromPipelineByPropertyName) { 'true (ByPropertyName)' } else { 'false' }
        $position = ($attr | Where-Object { $_.Position -ge 0 } | Select-Object -First 1).Position
        $pos = if ($null -ne $position) { $position + 1 } else { 'named' }
        $aliases = if ($p.Aliases.Count) { $p.Aliases -join ', ' } else { 'None' }
        $null = $xml.AppendLine("<command:parameter required=""$($required.ToString().ToLower())"" globbing=""false"" pipelineInput=""$pipeline"" position=""$pos"" aliases=""$(Esc $aliases)""><maml:name>$($p.Name)</maml:name><maml:description>$(Para $paramText[$p.Name])</maml:description><command:parameterValue required=""true"">$(Esc $p.ParameterType.Name)</command:parameterValue><dev:type><maml:name>$(Esc $p.ParameterType.FullName)</maml:name></dev:type></command:parameter>")
    }
    $null = $xml.AppendLine('</command:parameters>')
    $outputs = @($cmd.OutputType | ForEach-Object Name)
    if ($outputs) {
        $null = $xml.AppendLine('<command:returnValues>')
        foreach ($o in $outputs) { $null = $xml.AppendLine("<command:returnValue><dev:type><maml:name>$(Esc $o)</maml:name></dev:type></command:returnValue>") }
        $null = $xml.AppendLine('</command:returnValues>')
    }
    $null = $xml.AppendLine('<command:examples>')
    $i = 0
    foreach ($ex in $entry.Examples) {
        ++$i
        $null = $xml.AppendLine("<command:example><maml:title>-------------------------- Example $i --------------------------</maml:title><dev:code>$(Esc $ex.Code)</dev:code><dev:remarks>$(Para $ex.Remarks)</dev:remarks></command:example>")
    }
    $null = $xml.AppendLine('</command:examples>')
    $null = $xml.AppendLine("<command:relatedLinks><maml:navigationLink><maml:linkText>README.md, section ""PowerShell cmdlet reference""</maml:linkText></maml:navigationLink></command:relatedLinks>")
    $null = $xml.AppendLine('</command:command>')
}
$null = $xml.AppendLine('</helpItems>')
if ($missing) { throw "help text missing in psmodule/help/IdSync.help.psd1 for: $($missing -join '; ')" }
$dir = Join-Path $ModuleDir 'en-US'
New-Item -ItemType Directory -Force -Path $dir | Out-Null
[System.IO.File]::WriteAllText((Join-Path $dir 'IdSync.PowerShell.dll-Help.xml'), $xml.ToString(), [System.Text.UTF8Encoding]::new($false))
Write-Output "help for $($module.ExportedCmdlets.Count) cmdlets written to $dir"
