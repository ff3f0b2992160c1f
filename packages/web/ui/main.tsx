// The dashboard: log in, pick a system, watch its view change live and drive
// its flow with the buttons and forms of each page. Pages are chosen by the
// URL's hash (#/mall), so the gateway serves one page only.
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { type Lang, loadSession, login, logout, type Session, whenUnauthorized } from "./api.js";
import { ActionForm } from "./forms.js";
import { CleaningPage } from "./pages/cleaning.js";
import { FlowPage } from "./pages/flow.js";
import { InsurancePage } from "./pages/insurance.js";
import { MallPage } from "./pages/mall.js";
import { MeetingroomPage } from "./pages/meetingroom.js";
import { SaucePage } from "./pages/sauce.js";
// Noto Sans KR for the Korean labels, from the page's own files: build.ts keeps
// its Korean chunks of weight 400 (woff2), each fetched only when a character
// of its unicode-range is on the page.
import "@fontsource/noto-sans-kr/400.css";
import "./style.css";

const PAGES = {
  mall: { title: "Mall", page: MallPage },
  sauce: { title: "Sauce", page: SaucePage },
  cleaning: { title: "Cleaning", page: CleaningPage },
  meetingroom: { title: "Meeting rooms", page: MeetingroomPage },
  insurance: { title: "Insurance", page: InsurancePage },
  flow: { title: "Flow", page: FlowPage },
} as const;
type PageName = keyof typeof PAGES;

const pageOfHash = (): PageName => {
  // `#/flow/<id>` is the flow page showing one flow.
  const name = location.hash.replace(/^#\/?/, "").split("/")[0] ?? "";
  return name in PAGES ? (name as PageName) : "mall";
};

function LoginForm({ onLogin }: { onLogin: (s: Session) => void }) {
  return (
    <main class="login">
      <h1>Seed dashboard</h1>
      <ActionForm
        title="Log in"
        testId="login"
        submit="Log in"
        fields={[
          {
            name: "username",
            label: "User name",
            placeholder: "alice",
            required: "Enter your user name",
            autoComplete: "username",
          },
          {
            name: "password",
            label: "Password",
            kind: "password",
            required: "Enter your password",
            autoComplete: "current-password",
          },
        ]}
        run={async (body) => {
          const s = await login(String(body.username ?? ""), String(body.password ?? ""));
          onLogin(s);
          return s;
        }}
      />
      <p class="note">Demo users: alice, bob, carol, dave, erin (password “demo”).</p>
    </main>
  );
}

function App() {
  const [session, setSession] = useState<Session | undefined>(loadSession());
  const [page, setPage] = useState<PageName>(pageOfHash());
  const [lang, setLang] = useState<Lang>((sessionStorage.getItem("seed.lang") as Lang | null) ?? "ko");
  useEffect(() => {
    const onHash = () => setPage(pageOfHash());
    window.addEventListener("hashchange", onHash);
    whenUnauthorized(() => {
      void logout();
      setSession(undefined);
    });
    return () => window.removeEventListener("hashchange", onHash);
  }, []);
  if (!session) return <LoginForm onLogin={setSession} />;
  const Page = PAGES[page].page;
  const switchLang = () => {
    const next = lang === "ko" ? "en" : "ko";
    sessionStorage.setItem("seed.lang", next);
    setLang(next);
  };
  return (
    <>
      <header class="top">
        <h1>Seed</h1>
        <nav>
          {(Object.keys(PAGES) as PageName[]).map((name) => (
            <a
              key={name}
              href={`#/${name}`}
              class={name === page ? "current" : ""}
              aria-current={name === page ? "page" : undefined}
            >
              {PAGES[name].title}
            </a>
          ))}
        </nav>
        <div class="who">
          <button type="button" class="link" onClick={switchLang} title="Status labels in the other language">
            {lang === "ko" ? "English" : "한국어"}
          </button>
          <span data-testid="user">
            {session.user.username} ({session.user.roles.join(", ")})
          </span>
          <button
            type="button"
            class="link"
            onClick={() => {
              void logout();
              setSession(undefined);
            }}
          >
            Log out
          </button>
        </div>
      </header>
      <main>
        <Page key={`${page}-${session.user.id}`} user={session.user} lang={lang} />
      </main>
    </>
  );
}

const root = document.getElementById("app");
if (root) render(<App />, root);
