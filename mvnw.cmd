@REM Maven wrapper for Windows: runs the Maven version pinned in .mvn\wrapper\maven-wrapper.properties.
@REM On first use it downloads distributionUrl (Maven Central) with PowerShell, checks its SHA-512 against
@REM distributionSha512Sum, unpacks it with tar (Windows 10 and later) into
@REM %MAVEN_USER_HOME% (default %USERPROFILE%\.m2)\wrapper\dists\<name>\<first 16 digits of the sum>\
@REM and from then on just runs it. Arguments are passed to Maven unchanged: mvnw.cmd -B -ntp test
@echo off
setlocal EnableExtensions EnableDelayedExpansion

set "BASE_DIR=%~dp0"
set "PROPERTIES=%BASE_DIR%.mvn\wrapper\maven-wrapper.properties"
if not exist "%PROPERTIES%" (
  echo mvnw: cannot read %PROPERTIES% 1>&2
  exit /b 1
)
set "distributionUrl="
set "distributionSha512Sum="
for /f "usebackq eol=# tokens=1,* delims==" %%a in ("%PROPERTIES%") do set "%%a=%%b"
if "%distributionUrl%"=="" (
  echo mvnw: %PROPERTIES% has no distributionUrl 1>&2
  exit /b 1
)
if "%distributionSha512Sum%"=="" (
  echo mvnw: %PROPERTIES% has no distributionSha512Sum 1>&2
  exit /b 1
)

for %%f in ("%distributionUrl:/=\%") do set "ARCHIVE=%%~nxf"
set "NAME=%ARCHIVE:.tar.gz=%"
set "NAME=%NAME:.zip=%"
if "%MAVEN_USER_HOME%"=="" set "MAVEN_USER_HOME=%USERPROFILE%\.m2"
set "HOME_DIR=%MAVEN_USER_HOME%\wrapper\dists\%NAME%\%distributionSha512Sum:~0,16%"

call :find_mvn
if defined MVN_CMD goto run

if not exist "%HOME_DIR%" mkdir "%HOME_DIR%"
set "WORK=%HOME_DIR%\.download.%RANDOM%%RANDOM%"
mkdir "%WORK%\unpacked" || exit /b 1
echo mvnw: downloading %distributionUrl% 1>&2
powershell -NoProfile -NonInteractive -ExecutionPolicy Bypass -Command ^
  "$ErrorActionPreference = 'Stop';" ^
  "[Net.ServicePointManager]::SecurityProtocol = [Net.SecurityProtocolType]::Tls12;" ^
  "(New-Object Net.WebClient).DownloadFile($env:distributionUrl, (Join-Path $env:WORK $env:ARCHIVE));" ^
  "$actual = (Get-FileHash -Algorithm SHA512 (Join-Path $env:WORK $env:ARCHIVE)).Hash.ToLower();" ^
  "if ($actual -ne $env:distributionSha512Sum.ToLower()) {" ^
  "  [Console]::Error.WriteLine('mvnw: ' + $env:ARCHIVE + ' has SHA-512 ' + $actual + ', but .mvn\wrapper\maven-wrapper.properties expects ' + $env:distributionSha512Sum + ': not using it'); exit 1 }"
if errorlevel 1 (
  rmdir /s /q "%WORK%"
  exit /b 1
)
tar -xf "%WORK%\%ARCHIVE%" -C "%WORK%\unpacked"
if errorlevel 1 (
  echo mvnw: cannot unpack %ARCHIVE% 1>&2
  rmdir /s /q "%WORK%"
  exit /b 1
)
for /d %%d in ("%WORK%\unpacked\*") do (
  if exist "%%d\bin\mvn.cmd" if not exist "%HOME_DIR%\%%~nxd" move "%%d" "%HOME_DIR%\" >nul
)
rmdir /s /q "%WORK%"
call :find_mvn
if not defined MVN_CMD (
  echo mvnw: %ARCHIVE% holds no bin\mvn.cmd 1>&2
  exit /b 1
)

:run
endlocal & "%MVN_CMD%" %*
exit /b %ERRORLEVEL%

:find_mvn
set "MVN_CMD="
for /d %%d in ("%HOME_DIR%\*") do if exist "%%d\bin\mvn.cmd" set "MVN_CMD=%%d\bin\mvn.cmd"
exit /b 0
