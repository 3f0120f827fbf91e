using System.Collections.ObjectModel;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;
using Remediator.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Remediator.IntegrationTests.Dashboard;

/// <summary>
/// Debian's headless Chromium driven through its chromedriver (tests/servers/install.sh installs
/// both), pointed at an engine's dashboard. Every step waits explicitly for what the page must
/// show; a wait that gives up reports what the page showed instead, and the browser's console.
/// </summary>
public sealed class DashboardBrowser : IDisposable
{
    private static readonly string[] _arguments =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1280,1024",
    ];

    private readonly ChromeDriver _driver;
    private readonly ITestOutputHelper _output;

    private DashboardBrowser(ChromeDriver driver, Uri baseUrl, ITestOutputHelper output)
    {
        _driver = driver;
        _output = output;
        BaseUrl = baseUrl;
    }

    public Uri BaseUrl { get; }

    /// <summary>The address the browser shows.</summary>
    public Uri Url => new(_driver.Url);

    /// <summary>Starts the browser; <c>CHROMIUM</c> and <c>CHROMEDRIVER</c> override the Debian paths.</summary>
    public static DashboardBrowser Start(Uri baseUrl, ITestOutputHelper output)
    {
        var chromium = Installed("CHROMIUM", "/usr/bin/chromium");
        var chromedriver = Installed("CHROMEDRIVER", "/usr/bin/chromedriver");
        var options = new ChromeOptions { BinaryLocation = chromium };
        options.AddArguments(_arguments);
        options.SetLoggingPreference(LogType.Browser, LogLevel.All);

        // Both paths given: Selenium Manager has nothing to look up or download.
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(chromedriver)!, Path.GetFileName(chromedriver));
        service.SuppressInitialDiagnosticInformation = true;
        return new DashboardBrowser(new ChromeDriver(service, options, Eventually.DefaultTimeout), baseUrl, output);
    }

    public void Open(string relativeUrl) => _driver.Navigate().GoToUrl(new Uri(BaseUrl, relativeUrl));

    /// <summary>Types into a field, replacing what it held.</summary>
    public void Type(string cssSelector, string text) =>
        Until($"to type into {cssSelector}", driver =>
        {
            var field = driver.FindElement(By.CssSelector(cssSelector));
            field.Clear();
            field.SendKeys(text);
            return true;
        });

    /// <summary>Clicks the element once it is shown and enabled (re-rendered tables replace their buttons: found afresh each try).</summary>
    public void Click(string cssSelector) =>
        Until($"to click {cssSelector}", driver =>
        {
            var element = driver.FindElement(By.CssSelector(cssSelector));
            if (!element.Displayed || !element.Enabled)
            {
                return false;
            }

            element.Click();
            return true;
        });

    /// <summary>Waits until an element matching <paramref name="cssSelector"/> is shown.</summary>
    public IWebElement Visible(string cssSelector) =>
        Until($"{cssSelector} to be shown", driver => driver.FindElements(By.CssSelector(cssSelector)).FirstOrDefault(element => element.Displayed));

    /// <summary>Waits until the element's text satisfies <paramref name="condition"/>, and returns it.</summary>
    public string TextOf(string cssSelector, Func<string, bool> condition, string waitingFor) =>
        Until(waitingFor, driver =>
        {
            var element = driver.FindElements(By.CssSelector(cssSelector)).FirstOrDefault(candidate => candidate.Displayed);
            return element is not null && condition(element.Text) ? element.Text : null;
        });

    /// <summary>Waits until nothing matching <paramref name="cssSelector"/> is shown.</summary>
    public void Gone(string cssSelector) =>
        Until($"{cssSelector} to disappear", driver => !driver.FindElements(By.CssSelector(cssSelector)).Any(element => element.Displayed));

    /// <summary>How many elements match now (after a wait for what must be shown first).</summary>
    public int Count(string cssSelector) => _driver.FindElements(By.CssSelector(cssSelector)).Count;

    /// <summary>Runs <paramref name="script"/> in the page and returns what it returned.</summary>
    public T Script<T>(string script) => (T)((IJavaScriptExecutor)_driver).ExecuteScript(script)!;

    /// <summary>True when the page is no wider than the browser's viewport: nothing scrolls sideways.</summary>
    public bool FitsWidth() => Script<bool>("return document.documentElement.scrollWidth <= document.documentElement.clientWidth;");

    /// <summary>The viewport as a device this wide (420: a phone) would have it, or back to the window's own with null.</summary>
    public void Viewport(int? width)
    {
        if (width is { } pixels)
        {
            _driver.ExecuteCdpCommand("Emulation.setDeviceMetricsOverride", new Dictionary<string, object?> { ["width"] = pixels, ["height"] = 900, ["deviceScaleFactor"] = 1, ["mobile"] = pixels < 600 });
        }
        else
        {
            _driver.ExecuteCdpCommand("Emulation.clearDeviceMetricsOverride", []);
        }
    }

    /// <summary>A PNG of the whole page (not only the viewport), for the docs.</summary>
    public void SaveScreenshot(string path)
    {
        var height = Script<long>("return Math.ceil(document.documentElement.scrollHeight);");
        var width = Script<long>("return document.documentElement.clientWidth;");
        var shot = _driver.ExecuteCdpCommand("Page.captureScreenshot", new Dictionary<string, object?>
        {
            ["format"] = "png",
            ["captureBeyondViewport"] = true,
            ["clip"] = new Dictionary<string, object> { ["x"] = 0, ["y"] = 0, ["width"] = width, ["height"] = height, ["scale"] = 1 },
        });
        var data = shot is Dictionary<string, object> result && result["data"] is string png
            ? png
            : throw new InvalidOperationException("Chromium returned no screenshot.");
        File.WriteAllBytes(path, Convert.FromBase64String(data));
    }

    public T Until<T>(string waitingFor, Func<IWebDriver, T?> condition)
    {
        var wait = new WebDriverWait(_driver, Eventually.DefaultTimeout);
        // The page re-renders as it polls: an element found a moment ago may be gone, try again.
        wait.IgnoreExceptionTypes(typeof(NoSuchElementException), typeof(StaleElementReferenceException), typeof(ElementNotInteractableException));
        try
        {
            return wait.Until(driver => condition(driver))!;
        }
        catch (WebDriverTimeoutException ex)
        {
            throw new TimeoutException($"The dashboard did not get {waitingFor}.{Environment.NewLine}{Describe()}", ex);
        }
    }

    /// <summary>What the page shows and what its console said.</summary>
    public string Describe()
    {
        var body = _driver.FindElements(By.TagName("body")).FirstOrDefault()?.Text ?? "(no page)";
        return $"At {_driver.Url} the page shows:{Environment.NewLine}{body}{Environment.NewLine}Console:{Environment.NewLine}{string.Join(Environment.NewLine, ConsoleLines())}";
    }

    public void Dispose()
    {
        _output.WriteLine($"Browser console:{Environment.NewLine}{string.Join(Environment.NewLine, ConsoleLines())}");
        _driver.Quit();
        _driver.Dispose();
    }

    private ReadOnlyCollection<LogEntry> ConsoleEntries() => _driver.Manage().Logs.GetLog(LogType.Browser);

    private IEnumerable<string> ConsoleLines() => ConsoleEntries().Select(entry => $"  {entry.Level}: {entry.Message}");

    private static string Installed(string variable, string debianPath)
    {
        var path = Environment.GetEnvironmentVariable(variable) is { Length: > 0 } configured ? configured : debianPath;
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"{path} is missing: install chromium and chromium-driver (bash tests/servers/install.sh) or set {variable}.");
    }
}
