import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./app";
import { initialTheme } from "./lib/theme";
import "./styles.css";

// Before the first paint, so a dark-theme user never sees a white flash.
document.documentElement.classList.toggle("dark", initialTheme() === "dark");

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root");
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
