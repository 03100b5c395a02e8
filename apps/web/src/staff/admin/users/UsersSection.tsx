// Scaffold: this section's helper replaces this file with the real screen.
export default function UsersSection() {
  return null;
}
