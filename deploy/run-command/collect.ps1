# cse-preserve bootstrap for Azure Run Command (Windows PowerShell 5.1): download the pinned binary, check its SHA-256,
# run it, delete it, and print only the tool's one-line JSON summary (Run Command returns the last 4,096 bytes).
# The upload SAS arrives only as the protected parameter -Sas (never in this text or a public parameter); it is handed
# to the tool in the CSE_PRESERVE_SAS environment variable of the child process, never on its command line.
# Do not deploy this through the Custom Script Extension: a CSE run can remove the evidence it is meant to keep.
param(
  [Parameter(Mandatory = $true)][string]$BinaryUrl,
  [Parameter(Mandatory = $true)][string]$ExpectedSha256,
  [Parameter(Mandatory = $true)][string]$ContainerUrl,
  [string]$ManagedIdentity = '',
  [string]$Sas = '',
  [int]$DeadlineSeconds = 4800
)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'   # the progress bar slows Invoke-WebRequest by orders of magnitude
[Net.ServicePointManager]::SecurityProtocol = [Net.SecurityProtocolType]::Tls12

function Write-Failure([string]$Message, [int]$Code = 1) {
  $safe = $Message -replace '\\', '\\' -replace '"', '\"'
  Write-Output ('{"status":"failed","stage":"bootstrap","error":"' + $safe + '"}')
  exit $Code
}

if ($ExpectedSha256 -notmatch '^[0-9a-fA-F]{64}$') { Write-Failure 'ExpectedSha256 must be 64 hex digits' 2 }
if ($BinaryUrl -notmatch '^https://' -and $BinaryUrl -notmatch '^http://(127\.0\.0\.1|localhost)[:/]') { Write-Failure 'BinaryUrl must be https' 2 }

# Work off the OS disk where possible: the temporary resource disk D:\ on Azure, else %TEMP%.
$base = if ((Test-Path 'D:\') -and ((Get-PSDrive -Name D -ErrorAction SilentlyContinue).Free -gt 512MB)) { 'D:\' } else { $env:TEMP }
$work = Join-Path $base ('cse-preserve-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
New-Item -ItemType Directory -Path $work | Out-Null
$exe = Join-Path $work 'cse-preserve.exe'
try {
  try { Invoke-WebRequest -UseBasicParsing -Uri $BinaryUrl -OutFile $exe } catch { Write-Failure ('download failed: ' + $_.Exception.Message) }
  $actual = (Get-FileHash -Path $exe -Algorithm SHA256).Hash
  if ($actual -ne $ExpectedSha256.ToUpperInvariant()) { Write-Failure ("binary sha256 mismatch: expected $ExpectedSha256, got $actual; not run") }

  $arguments = @('collect', '--container-url', $ContainerUrl)
  if ($ManagedIdentity -eq 'system') { $arguments += '--managed-identity' }
  elseif ($ManagedIdentity -ne '') { $arguments += @('--managed-identity', $ManagedIdentity) }
  if ($Sas -ne '') { $env:CSE_PRESERVE_SAS = $Sas }
  $env:CSE_PRESERVE_LAUNCHED_BY = 'run-command'
  Remove-Item Env:\NODE_OPTIONS -ErrorAction SilentlyContinue   # the binary honours NODE_OPTIONS: no code injection
  $out = Join-Path $work 'out.txt'; $err = Join-Path $work 'err.txt'
  $p = Start-Process -FilePath $exe -ArgumentList $arguments -NoNewWindow -PassThru -RedirectStandardOutput $out -RedirectStandardError $err
  if (-not $p.WaitForExit($DeadlineSeconds * 1000)) {
    $p.Kill()
    Write-Failure "collector stopped at the ${DeadlineSeconds}s deadline" 124
  }
  $line = Get-Content -Path $out -Tail 1
  if ($line.Length -gt 4096) { $line = $line.Substring(0, 4096) }
  Write-Output $line
  exit $p.ExitCode
} finally {
  Remove-Item Env:\CSE_PRESERVE_SAS -ErrorAction SilentlyContinue
  Remove-Item -Recurse -Force -Path $work -ErrorAction SilentlyContinue
}
