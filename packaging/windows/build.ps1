# Build Booth Console for Windows: the PyInstaller one-folder bundle, a zip of it, and (when
# Inno Setup 6 is installed) an installer. Run from a "Developer PowerShell" or any PowerShell
# with Python 3.11+ on PATH, in a clean checkout:
#   powershell -ExecutionPolicy Bypass -File packaging\windows\build.ps1
$ErrorActionPreference = "Stop"
Set-Location (Join-Path $PSScriptRoot "..\..")

python -m pip install --disable-pip-version-check -q -e ".[build]"
python -m PyInstaller packaging\booth_console.spec --noconfirm --distpath build\windows\dist --workpath build\windows\work
$bundle = "build\windows\dist\booth-console"

# Smoke test the bundle before shipping it (offscreen: no window needed).
$env:QT_QPA_PLATFORM = "offscreen"
& "$bundle\booth-console.exe" self-test
if ($LASTEXITCODE -ne 0) { throw "self-test failed in the bundle" }
Remove-Item Env:\QT_QPA_PLATFORM

$version = (& "$bundle\booth-console.exe" --version).Split(" ")[-1]
$zip = "build\windows\booth-console-$version-windows.zip"
if (Test-Path $zip) { Remove-Item $zip }
Compress-Archive -Path $bundle -DestinationPath $zip
Write-Host "zip: $zip"

$iscc = "${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe"
if (Test-Path $iscc) {
    & $iscc "/DAppVersion=$version" "/DBundleDir=$((Resolve-Path $bundle).Path)" packaging\windows\booth-console.iss
    if ($LASTEXITCODE -ne 0) { throw "Inno Setup failed" }
} else {
    Write-Host "Inno Setup 6 not found: only the zip was made (https://jrsoftware.org/isinfo.php)"
}
