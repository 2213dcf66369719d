using System.Runtime.CompilerServices;
using Microsoft.Build.Locator;

namespace StaticOffload.Tests.Infrastructure;

/// <summary>
/// Points this test process at the .NET SDK's own MSBuild before any MSBuild type is loaded, so projects are
/// evaluated in-process exactly as `dotnet build` would evaluate them.
/// </summary>
internal static class InProcessMSBuild
{
    [ModuleInitializer]
    internal static void Register()
    {
        if (!MSBuildLocator.IsRegistered)
        {
            MSBuildLocator.RegisterDefaults();
        }
    }
}
