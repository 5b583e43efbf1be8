export function App() {
  return (
    <main>
      <h1>Cognito Desktop</h1>
    </main>
  );
}
