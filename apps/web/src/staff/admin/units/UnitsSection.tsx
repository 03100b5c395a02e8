// Scaffold: this section's helper replaces this file with the real screen.
export default function UnitsSection() {
  return null;
}
